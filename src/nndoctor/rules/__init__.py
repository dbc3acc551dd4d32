"""Rules: one file per rule, grouped by area. Each judges evidence; none imports a framework."""

from ._base import Evidence, Rule, RuledOut
from ._registry import all_rules, find_rule

__all__ = ["Evidence", "Rule", "RuledOut", "all_rules", "find_rule"]
