"""The rule contract: one rule, one file, one cause; the docstring is its documentation.

A rule reads `Evidence` (framework-free facts) and answers with a `Finding`, a `RuledOut`
(checked, not found, and why) or None (does not apply). It may ask for experiments first
(`wants`), which the engine runs within the budget before `check` is called.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from ..causes import CAUSES
from ..evidence.data import DataProfile
from ..evidence.model import ModelProfile
from ..evidence.outputs import PredictionSummary
from ..evidence.run import RunRecord
from ..findings import Finding

DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Fix")
CODE_PATTERN = re.compile(r"^[A-Z]{2}\d{3}$")


@dataclass
class Evidence:
    """Everything the rules may look at.

    ``given_*`` describe the user's model exactly as it was passed in; ``trained_*`` the copy
    after the recorded run (``run``). ``controls`` holds the runs of experiments the rules asked
    for, by name (e.g. ``"lr/10"``; None when it could not run). ``baseline_loss`` is the loss of predicting the training
    label distribution (cross-entropy) or the target mean (MSE): what a model that learned
    nothing scores.
    """

    task: str
    n_classes: int
    framework: str
    model: ModelProfile
    train: DataProfile
    val: DataProfile
    val_source: str
    given_train: PredictionSummary
    given_val: PredictionSummary
    given_val_outputs: np.ndarray
    given_train_loss: float | None
    baseline_loss: float | None
    run: RunRecord | None = None
    trained_train: PredictionSummary | None = None
    trained_val: PredictionSummary | None = None
    controls: dict[str, RunRecord | None] = field(default_factory=dict)
    control_val: dict[str, PredictionSummary] = field(default_factory=dict)
    experiments: dict[str, dict] = field(default_factory=dict)  # name -> result, see experiments/
    run_error: str | None = None  # why the recorded run failed ("Type: message"), if it did
    # the given weights hold NaN/inf, or are 1000x a standard init's scale (the user's training
    # blew up): every run starts from a fresh standard init with the user's settings instead
    fresh_start: bool = False

    @property
    def given_learned(self) -> bool:
        """Whether the model as given predicts better than a model that learned nothing."""
        if self.task == "classification":
            if self.given_val.learned_something:
                return True
        elif (self.given_val.r2 or -1) > 0.3:
            return True
        return bool(self.baseline_loss and self.given_train_loss is not None
                    and np.isfinite(self.given_train_loss)
                    and self.given_train_loss < 0.8 * self.baseline_loss)

    @property
    def judged(self) -> PredictionSummary:
        """The predictions to judge: the given model's if it learned anything, else the copy's."""
        if self.given_learned or self.trained_val is None:
            return self.given_val
        return self.trained_val

    @property
    def data_finite(self) -> bool:
        return (self.train.n_nonfinite_x == 0 and self.train.n_nonfinite_y == 0
                and self.val.n_nonfinite_x == 0 and self.val.n_nonfinite_y == 0)


@dataclass
class RuledOut:
    """A rule checked its cause and did not find it; ``why`` says what it saw."""

    why: str


class Rule:
    """Base class: subclasses declare ``code``, ``cause``, ``summary`` and a documented docstring."""

    code: ClassVar[str]
    cause: ClassVar[str]
    summary: ClassVar[str]
    registry: ClassVar[dict[str, type[Rule]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for attr in ("code", "cause", "summary"):
            if not isinstance(getattr(cls, attr, None), str):
                raise TypeError(f"rule {cls.__name__} must declare `{attr}` as a string")
        if not CODE_PATTERN.match(cls.code):
            raise TypeError(f"rule {cls.__name__}: code {cls.code!r} must look like 'LR001'")
        if cls.cause not in CAUSES:
            raise TypeError(f"rule {cls.__name__}: cause {cls.cause!r} is not in causes.md")
        doc = inspect.getdoc(cls) or ""
        missing = [h for h in DOC_HEADINGS if f"## {h}" not in doc]
        if missing:
            raise TypeError(f"rule {cls.__name__}: docstring lacks headings {missing}")
        if cls.code in Rule.registry and Rule.registry[cls.code] is not cls:
            raise TypeError(f"rule code {cls.code} is used twice")
        Rule.registry[cls.code] = cls

    def wants(self, ev: Evidence) -> set[str]:
        """Experiments to run before `check` (names the engine knows). Default: none."""
        return set()

    def check(self, ev: Evidence) -> Finding | RuledOut | None:
        raise NotImplementedError

    def finding(self, severity: str, confidence: float, message: str, evidence: dict,
                fix: str, fix_code: str = "", confirmed_by: list[str] | None = None) -> Finding:
        return Finding(cause=self.cause, code=self.code, severity=severity, confidence=confidence,
                       message=message, evidence=evidence, fix=fix, fix_code=fix_code,
                       confirmed_by=confirmed_by or [])

    @classmethod
    def doc(cls) -> str:
        return inspect.getdoc(cls) or ""

    @classmethod
    def doc_section(cls, heading: str) -> str:
        """The text under ``## heading`` in the docstring."""
        parts = re.split(r"^## ", cls.doc(), flags=re.M)
        for part in parts:
            if part.startswith(heading):
                return part[len(heading):].strip()
        return ""


def fmt_pct(value: float | None) -> str:
    return "n/a" if value is None or not np.isfinite(value) else f"{100 * value:.0f}%"


def fmt_score(value: float | None, task: str) -> str:
    """'accuracy 97%' or 'R^2 0.93'."""
    if value is None or not np.isfinite(value):
        return "n/a"
    return f"accuracy {100 * value:.0f}%" if task == "classification" else f"R^2 {value:.2f}"


def fmt_ci(ci) -> str:
    return f"95% CI {fmt_pct(ci[0])}-{fmt_pct(ci[1])}"
