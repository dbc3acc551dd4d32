"""Accuracy with its uncertainty: Wilson intervals and binomial tests against chance."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import binomtest


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (well-behaved at 0, 1 and small n)."""
    if n <= 0:
        return (0.0, 1.0)
    ci = binomtest(int(successes), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return (float(ci.low), float(ci.high))


@dataclass
class AccuracyReport:
    """An accuracy and what it can and cannot tell.

    ``p_vs_chance`` / ``p_vs_majority`` are one-sided binomial p-values for "better than
    predicting at random" / "better than always predicting the majority class".
    """

    value: float
    n: int
    correct: int
    ci95: tuple[float, float]
    chance: float
    majority: float
    p_vs_chance: float
    p_vs_majority: float

    @property
    def better_than_chance(self) -> bool:
        return self.p_vs_chance < 0.05

    @property
    def better_than_majority(self) -> bool:
        return self.p_vs_majority < 0.05

    @property
    def ci_width(self) -> float:
        return self.ci95[1] - self.ci95[0]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ci95"] = list(self.ci95)
        d["better_than_chance"] = self.better_than_chance
        d["better_than_majority"] = self.better_than_majority
        return d


def accuracy_report(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int,
                    majority: float | None = None) -> AccuracyReport:
    """Accuracy of ``y_pred`` with a Wilson 95% interval and tests against chance and majority.

    ``majority`` is the majority-class share of the data the model learned from; by default
    that of ``y_true``.
    """
    y_true = np.asarray(y_true).ravel()
    y_pred = np.asarray(y_pred).ravel()
    n = int(y_true.size)
    correct = int(np.sum(y_true == y_pred))
    if majority is None:
        majority = float(np.bincount(y_true.astype(int)).max() / n) if n else 1.0
    chance = 1.0 / max(n_classes, 1)
    return AccuracyReport(
        value=correct / n if n else math.nan,
        n=n,
        correct=correct,
        ci95=wilson_interval(correct, n),
        chance=chance,
        majority=float(majority),
        p_vs_chance=_p_greater(correct, n, chance),
        p_vs_majority=_p_greater(correct, n, majority),
    )


def _p_greater(successes: int, n: int, p0: float) -> float:
    if n == 0 or p0 >= 1.0:
        return 1.0
    return float(binomtest(successes, n, p0, alternative="greater").pvalue)
