"""PL005: a Keras model reports accuracy on a regression."""

from __future__ import annotations

import numpy as np

from ...evidence.model import EXACT_ACCURACY as EXACT
from .._base import Evidence, Rule, RuledOut, fmt_pct
from .._measures import learned, score_of
from ._facts import loss_label, value_range

ACCURACY = {"accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"}
GOOD_FIT = 0.3  # R^2 above which the predictions carry the signal (as `learned`)


class WrongMetric(Rule):
    """Flags an accuracy metric compiled into a Keras regression model, and
    ``keras.metrics.Accuracy()`` compiled into any model.

    ## What it does
    Reads the metrics the Keras model was compiled with. When the loss is a regression loss,
    the targets are continuous and a metric is an accuracy (`"accuracy"`, `"acc"`,
    `binary_accuracy`, ...), it computes that accuracy the way Keras does (for one output
    unit `"accuracy"` becomes binary accuracy: target == (prediction > 0.5)) on the
    validation predictions, and sets it beside their R^2: near 0% accuracy with a good R^2
    means the metric, not the model, looks random.

    ``keras.metrics.Accuracy()`` (the class, not the string) is flagged on any task: it counts
    exact equality of target and raw output, with no argmax or threshold, so it reads near 0 on
    probabilities however well the model classifies.

    Keras only: a torch model has no compiled metrics, so the rule does not apply to it.

    ## Why is this bad?
    Accuracy counts exact matches between a predicted class and a label. Continuous targets
    almost never equal a thresholded prediction, so accuracy stays near 0 however good the fit
    is, and a well-trained model looks as if it predicted at random.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    model.fit(x, house_prices)  # accuracy: 0.0000
    ```

    ## Fix
    Report a regression metric: MAE, RMSE or R^2. Safe: training is unchanged.
    """

    code = "PL005"
    cause = "wrong-metric"
    summary = "an accuracy metric reported for a regression, or exact-match Accuracy() on raw outputs (Keras)"

    def check(self, ev: Evidence):
        metrics = [str(m) for m in ev.model.extra.get("metrics") or []]
        if ev.framework != "keras" or not metrics:
            return None
        if EXACT in metrics:
            return self._exact(ev, metrics)
        wrong = [m for m in metrics if m.lower() in ACCURACY]
        continuous = ev.task == "regression" and ev.train.integer_targets is False
        if not (continuous and wrong):
            kind = "continuous" if ev.task == "regression" and continuous else "class"
            return RuledOut(f"the compiled metrics {metrics} fit a {ev.task} on {kind} targets")
        name = wrong[0]
        outputs, summary, who = _judged(ev)
        value, rule_text = _keras_accuracy(name, outputs, ev.val.targets)
        r2 = summary.r2 if summary is not None else None
        lo, hi = value_range(ev.train.targets)
        fits = r2 is not None and r2 > GOOD_FIT
        evidence = {"metrics": metrics, "metric": name, "computed_as": rule_text, "metric_value": value,
                    "r2": r2, "predictions_of": who, "loss": loss_label(ev), "target_range": [lo, hi]}
        message = (f"The model was compiled with metrics={metrics!r} on a regression: the loss is "
                   f"{loss_label(ev)} and the {ev.train.n} training targets are continuous ({lo:.3g} "
                   f"to {hi:.3g}). Keras computes {name!r} here as {rule_text}. On the "
                   f"{ev.val.n} validation samples {who} scores {fmt_pct(value)} {name!r}")
        message += (f" with R^2 {r2:.2f}: the fit is good, the metric is what looks random." if fits else
                    f" with R^2 {'n/a' if r2 is None else f'{r2:.2f}'}: the metric says nothing about "
                    "this fit either way; see the other findings for why it is poor.")
        return self.finding(
            "warning", 0.9 if fits else 0.6, message, evidence,
            "Report a regression metric (MAE, RMSE or R^2) instead of accuracy.",
            'model.compile(loss="mse", optimizer=..., metrics=["mae", keras.metrics.RootMeanSquaredError()])')

    def _exact(self, ev: Evidence, metrics: list[str]):
        """``keras.metrics.Accuracy()``: exact equality of target and raw output, on any task."""
        outputs, summary, who = _judged(ev)
        outputs = np.asarray(outputs, dtype=np.float64)
        out = outputs.reshape(len(outputs), -1)
        y = np.asarray(ev.val.targets, dtype=np.float64).reshape(len(out), -1)
        value = float(np.mean(y == out)) if len(out) and y.shape[1] in (1, out.shape[1]) else None
        real = score_of(summary, ev.task)
        good = learned(summary, ev.task)
        measure = "accuracy" if ev.task == "classification" else "R^2"
        real_text = fmt_pct(real) if ev.task == "classification" else ("n/a" if real is None else f"{real:.2f}")
        evidence = {"metrics": metrics, "metric": EXACT, "metric_value": value, "predictions_of": who,
                    "computed_as": "mean(target == raw output), no argmax or threshold",
                    ("accuracy" if ev.task == "classification" else "r2"): real}
        message = (f"The model was compiled with metrics={metrics!r}. keras.metrics.Accuracy() counts the "
                   "samples whose raw output equals the target exactly: it takes no argmax and no threshold, "
                   f"so a probability or a continuous prediction almost never matches. On the {ev.val.n} "
                   f"validation samples it reads {fmt_pct(value)} for {who}, whose real {measure} is {real_text}")
        message += (": the model is fine, the metric is what looks random." if good else
                    ": the metric says nothing either way; see the other findings for why the model is poor.")
        fix_code = ('model.compile(loss="sparse_categorical_crossentropy", optimizer=..., metrics=["accuracy"])'
                    if ev.task == "classification" else
                    'model.compile(loss="mse", optimizer=..., metrics=["mae"])')
        return self.finding(
            "warning", 0.9 if good else 0.6, message, evidence,
            "Use the string \"accuracy\" (Keras picks binary, sparse or categorical accuracy from the shapes) "
            "or SparseCategoricalAccuracy / CategoricalAccuracy / BinaryAccuracy; for a regression, MAE or RMSE.",
            fix_code)


def _keras_accuracy(name: str, outputs, targets) -> tuple[float | None, str]:
    """The accuracy Keras reports for ``name``, and how it computes it."""
    out = np.asarray(outputs, dtype=np.float64).reshape(len(outputs), -1)
    y = np.asarray(targets, dtype=np.float64).reshape(len(out), -1)
    kind = name.lower()
    if kind in ("accuracy", "acc"):  # Keras picks by shapes (compile_utils.get_metric)
        kind = ("binary_accuracy" if out.shape[1] == 1 else
                "sparse_categorical_accuracy" if y.shape[1] == 1 else "categorical_accuracy")
    if len(out) == 0:
        return None, kind
    if kind == "binary_accuracy":
        return (float(np.mean(y == (out > 0.5))),
                "binary accuracy, target == (prediction > 0.5): right only where a target is exactly 0 or 1")
    if kind == "sparse_categorical_accuracy":
        return (float(np.mean(y[:, 0] == np.argmax(out, axis=1))),
                "sparse categorical accuracy, target == index of the largest output")
    return (float(np.mean(np.argmax(y, axis=1) == np.argmax(out, axis=1))),
            "categorical accuracy, index of the largest target == index of the largest output")


def _judged(ev: Evidence):
    """The validation outputs and summary the metric is judged on, and whose they are: the model
    as given when it learned (or nothing was trained), else the trained copy."""
    if ev.given_learned or ev.run is None:
        return ev.given_val_outputs, ev.given_val, "the model as given"
    return ev.run.final_val_outputs, ev.trained_val, "the trained copy"
