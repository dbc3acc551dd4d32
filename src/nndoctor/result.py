"""`Diagnosis`: the answer to "why are the predictions random?", renderable everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding

VERDICTS = ("healthy", "problems-found", "inconclusive")
ACTIONABLE = ("error", "warning")
EVIDENCE_ONLY_CAUSES = {"unreliable-evaluation"}
"""Causes that say the evidence is too thin to judge, rather than that the model is at fault."""


@dataclass
class Diagnosis:
    """The result of `nndoctor.diagnose`.

    Attributes:
        verdict: ``"healthy"``, ``"problems-found"`` or ``"inconclusive"``.
        findings: most likely cause first.
        metrics: each accuracy with its Wilson 95% interval, the chance and majority rates and
            the tests against both; for regression R^2 and RMSE.
        experiments: every training run and experiment, with its seconds.
        ruled_out: causes that were checked and not found, with the reason.
        errors: rules or experiments that failed; the diagnosis went on without them.
        details: profiles of the model and data, the recorded run and prediction summaries
            (what the reports plot).
    """

    task: dict[str, Any]
    findings: list[Finding]
    metrics: dict[str, Any] = field(default_factory=dict)
    experiments: list[dict[str, Any]] = field(default_factory=list)
    ruled_out: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    scenario: str | None = None

    def __post_init__(self):
        self.findings = sorted(self.findings, key=lambda f: f.rank_key)

    @property
    def actionable(self) -> list[Finding]:
        return [f for f in self.findings if f.severity in ACTIONABLE]

    @property
    def verdict(self) -> str:
        if not self.actionable:
            return "inconclusive" if self.errors and not self.experiments else "healthy"
        if all(f.cause in EVIDENCE_ONLY_CAUSES for f in self.actionable):
            return "inconclusive"
        return "problems-found"

    @property
    def primary_cause(self) -> str:
        """The most likely cause id; ``"healthy"`` when nothing was found."""
        return self.actionable[0].cause if self.actionable else "healthy"

    @property
    def primary(self) -> Finding | None:
        return self.actionable[0] if self.actionable else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (see ARCHITECTURE.md); stable keys."""
        from . import __version__

        d = {
            "nndoctor_version": __version__,
            "task": self.task,
            "verdict": self.verdict,
            "primary_cause": self.primary_cause,
            "findings": [f.to_dict() for f in self.findings],
            "metrics": self.metrics,
            "experiments": self.experiments,
            "ruled_out": self.ruled_out,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "details": self.details,
        }
        if self.scenario:
            d["scenario"] = self.scenario
        return d

    def to_json(self, path: str | Path | None = None, indent: int = 2) -> str:
        """The diagnosis as JSON; also written to ``path`` when given."""
        from .report.json import dumps

        text = dumps(self.to_dict(), indent=indent)
        if path is not None:
            Path(path).write_text(text)
        return text

    def to_html(self, path: str | Path | None = None) -> str:
        """A self-contained HTML report with plots; also written to ``path`` when given."""
        from .report.html import render_html

        html = render_html([self.to_dict()])
        if path is not None:
            Path(path).write_text(html, encoding="utf-8")
        return html

    def show(self, console=None) -> None:
        """Print the report to the terminal (rich)."""
        from rich.console import Console

        (console or Console()).print(self)

    def __rich_console__(self, console, options):
        from .report.terminal import render_terminal

        yield render_terminal(self.to_dict())

    def _repr_html_(self) -> str:
        from .report.html import render_fragment

        return render_fragment(self.to_dict())

    def __repr__(self) -> str:
        return (f"Diagnosis(verdict={self.verdict!r}, primary_cause={self.primary_cause!r}, "
                f"findings={[f.code for f in self.findings]})")
