"""The shape every rule answers in: one `Finding` per suspected cause."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .causes import CAUSES

SEVERITIES = ("error", "warning", "info")
"""Most to least severe. `error`: this alone makes the predictions unreliable; `warning`: it
likely contributes; `info`: worth knowing, not a fault."""


@dataclass
class Finding:
    """One suspected cause, with the numbers that point at it and the fix to try.

    Attributes:
        cause: an id from ``nndoctor.causes.CAUSES`` (the answer to "why?").
        code: the rule that raised it, e.g. ``"LR001"``.
        severity: ``"error"``, ``"warning"`` or ``"info"``.
        confidence: 0..1, how sure the rule is, given the evidence it had.
        message: what was observed, with numbers, and what was expected.
        evidence: the measured values the message cites.
        fix: what to change, in words.
        fix_code: the change as code, where one line says it.
        confirmed_by: the experiments whose results back this finding.
        verified: ``None`` until a fix is retrained and checked, then
            ``{"metric", "before", "after", ...}``.
    """

    cause: str
    code: str
    severity: str
    confidence: float
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: str = ""
    fix_code: str = ""
    confirmed_by: list[str] = field(default_factory=list)
    verified: dict[str, Any] | None = None

    def __post_init__(self):
        if self.cause not in CAUSES:
            raise ValueError(f"`cause` must be an id from causes.md. Got {self.cause!r} instead.")
        if self.severity not in SEVERITIES:
            raise ValueError(f"`severity` must be one of {SEVERITIES}. Got {self.severity!r} instead.")
        self.confidence = float(min(max(self.confidence, 0.0), 1.0))

    @property
    def rank_key(self) -> tuple[int, float]:
        """Sort key: most severe first, then most confident."""
        return (SEVERITIES.index(self.severity), -self.confidence)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rule"] = d.pop("code")
        return d
