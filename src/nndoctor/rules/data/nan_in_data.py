"""DA001: NaN or infinite values in the inputs or targets."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut


class NanInData(Rule):
    """Flags NaN or infinite values in the training or validation inputs or targets.

    ## What it does
    Counts the samples with a non-finite value in the inputs or targets of the training and
    validation data, names the features affected, and checks whether the recorded run's loss
    became NaN.

    ## Why is this bad?
    One NaN in a batch makes the loss and every gradient NaN; after one update every weight is
    NaN and every prediction is the same. Frameworks do not stop on it.

    ## Example
    ```python
    x = df[["age", "income"]].to_numpy()  # income has missing values
    ```

    ## Fix
    Drop or impute the missing values before training (e.g. `sklearn.impute.SimpleImputer`),
    and check with `np.isfinite(x).all()`. Safe.
    """

    code = "DA001"
    cause = "nan-in-data"
    summary = "NaN or inf values in the inputs or targets"

    def check(self, ev: Evidence):
        counts = {"train_x": ev.train.n_nonfinite_x, "train_y": ev.train.n_nonfinite_y,
                  "val_x": ev.val.n_nonfinite_x, "val_y": ev.val.n_nonfinite_y}
        total = sum(counts.values())
        if total == 0:
            return RuledOut(f"no NaN or inf in {ev.train.n} training and {ev.val.n} validation samples")
        features = sorted(set(ev.train.nonfinite_features) | set(ev.val.nonfinite_features))
        nan_step = ev.run.nonfinite_step if ev.run else None
        parts = [f"{n} {where.replace('_', ' ')} sample(s)" for where, n in counts.items() if n]
        message = f"Non-finite values (NaN/inf) in {', '.join(parts)}"
        if features:
            message += f"; input feature(s) {features[:10]}"
        message += "." + (f" The training loss became NaN at step {nan_step}." if nan_step is not None else "")
        return self.finding(
            "error", 0.97 if nan_step is not None or counts["train_x"] or counts["train_y"] else 0.8,
            message, {**counts, "features": features[:50], "nonfinite_loss_step": nan_step},
            "Impute or drop the rows with missing values before training; check np.isfinite(x).all().",
            "x = sklearn.impute.SimpleImputer().fit_transform(x)")
