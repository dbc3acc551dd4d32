"""All rules, in a stable order. Importing the rule modules registers them."""

from __future__ import annotations

import importlib
import pkgutil

from ._base import Rule


def all_rules() -> list[type[Rule]]:
    """Every registered rule class, sorted by code."""
    package = importlib.import_module(__package__)
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{__package__}."):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            importlib.import_module(info.name)
    return [Rule.registry[code] for code in sorted(Rule.registry)]


def find_rule(code_or_cause: str) -> list[type[Rule]]:
    """Rules whose code (case-insensitive) or cause id matches."""
    key = code_or_cause.strip()
    return [r for r in all_rules() if r.code == key.upper() or r.cause == key.lower()]
