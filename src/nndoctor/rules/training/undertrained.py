"""UT001: the model has not learned yet, and training it is what helps."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut, fmt_ci, fmt_pct
from .._measures import clearly_better, learned, score_of


class Undertrained(Rule):
    """Flags a model that predicts no better than a model that learned nothing, while a copy
    trained with its own set-up does learn.

    ## What it does
    Scores the model exactly as given on the validation data (accuracy with its 95% interval
    against the chance and majority rates, or R^2), compares its loss with the loss of
    predicting the label prior (ln C for C balanced classes), then trains a copy from the same
    starting weights with the model's own loss, optimizer and learning rate. If the copy learns
    and the given model did not, the model is untrained; if the given model learned a little and
    the copy learns clearly more, training stopped long before converging (an error when the
    copy is 25 accuracy points or 0.4 R^2 better, else a warning). Weights that hold NaN/inf (or
    1000x a standard init) are not untrained: their training blew up, and this rule stands down.

    ## Why is this bad?
    Freshly initialised weights map every input to near-uniform outputs: the predictions are
    noise. This is not a bug in the network, only missing (or too short) training, and it is
    the seed document's first example.

    ## Example
    ```python
    model = keras.Sequential([keras.Input((5,)), layers.Dense(10, "relu"), layers.Dense(2, "softmax")])
    model.predict(x_test)  # never fitted: outputs near 0.5 / 0.5
    ```

    ## Fix
    Train the model (`model.fit(x, y, epochs=...)` / a training loop) until the validation
    loss stops falling. Safe: it changes nothing else.
    """

    code = "UT001"
    cause = "undertrained"
    summary = "the model predicts no better than guessing, and training a copy of it helps"

    def check(self, ev: Evidence):
        if ev.fresh_start:
            return RuledOut("the given weights hold NaN/inf or blew up: the model was trained, and its training "
                            "blew up (the other findings say why)")
        given, trained = ev.given_val, ev.trained_val
        steps = ev.run.steps if ev.run else 0
        info = {
            "given_score": score_of(given, ev.task),
            "trained_copy_score": score_of(trained, ev.task),
            "given_train_loss": ev.given_train_loss,
            "baseline_loss": ev.baseline_loss,
            "training_steps": steps,
            "mean_entropy": given.mean_entropy,
        }
        what = self._describe(ev)
        fix = ("Train the model until the validation loss stops improving; the copy reached "
               f"{fmt_pct(score_of(trained, ev.task)) if ev.task == 'classification' else _r2(trained)} "
               f"in {steps} steps.")
        fix_code = "model.fit(x, y, validation_data=(x_val, y_val), epochs=...)" \
            if ev.framework == "keras" else "for epoch in range(epochs): ...  # loss.backward(); optimizer.step()"
        if not ev.given_learned:
            if learned(trained, ev.task) and clearly_better(trained, given, ev.task):
                return self.finding(
                    "error", 0.9,
                    f"{what} A copy trained for {steps} steps with the same set-up reaches "
                    f"{self._score_text(trained, ev)}: the model is untrained.",
                    info, fix, fix_code, confirmed_by=["recorded_run"])
            return self.finding(
                "warning", 0.3,
                f"{what} A copy trained for {steps} steps does not learn either "
                f"({self._score_text(trained, ev)}): training alone will not fix it; see the other findings.",
                info, "Fix the cause that stops the copy from learning, then train.", fix_code)
        if clearly_better(trained, given, ev.task) and learned(trained, ev.task):
            far = clearly_better(trained, given, ev.task, margin_acc=0.25, margin_r2=0.4)
            return self.finding(
                "error" if far else "warning", 0.85 if far else 0.7,
                f"The model as given scores {self._score_text(given, ev)}; {steps} more steps of "
                f"the same training reach {self._score_text(trained, ev)}: it stopped long before converging.",
                info, "Train longer (more epochs), with early stopping on the validation loss.",
                fix_code, confirmed_by=["recorded_run"])
        return RuledOut(f"the model as given scores {self._score_text(given, ev)}; {steps} more "
                        f"steps of training reach {self._score_text(trained, ev)}")

    @staticmethod
    def _score_text(summary, ev: Evidence) -> str:
        if summary is None:
            return "n/a"
        if ev.task == "classification" and summary.accuracy is not None:
            acc = summary.accuracy
            return f"{fmt_pct(acc.value)} accuracy ({fmt_ci(acc.ci95)}, n={acc.n})"
        return f"R^2 {_r2(summary)}"

    def _describe(self, ev: Evidence) -> str:
        given = ev.given_val
        if ev.task == "classification" and given.accuracy is not None:
            acc = given.accuracy
            text = (f"The model as given scores {fmt_pct(acc.value)} on {acc.n} validation samples "
                    f"({fmt_ci(acc.ci95)}), no better than chance ({fmt_pct(acc.chance)}) or the "
                    f"majority class ({fmt_pct(acc.majority)})")
            if ev.baseline_loss and ev.given_train_loss is not None:
                text += (f"; its loss {ev.given_train_loss:.3f} vs {ev.baseline_loss:.3f} for "
                         f"predicting the label prior")
            if given.mean_entropy is not None:
                text += f"; prediction entropy {given.mean_entropy:.2f} of the maximum"
            return text + "."
        return f"The model as given has R^2 {_r2(given)} on the validation data."


def _r2(summary) -> str:
    return "n/a" if summary is None or summary.r2 is None else f"{summary.r2:.2f}"
