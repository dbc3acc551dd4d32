"""TM001: dropout or batch statistics stay active when the model predicts."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut


class TrainModeAtInference(Rule):
    """Flags predictions that change between two identical calls: in inference mode, or as the
    user's own code calls the model.

    ## What it does
    Runs `predict_twice`: the same validation inputs through the model twice in inference mode
    (`model.eval()` + `no_grad` for torch, `training=False` for Keras), and twice as plain calls
    (a torch model in the mode it was handed over in; Keras `model(x)` without a training flag),
    on a copy. Any difference means randomness survives at prediction time: dropout forced on
    (`F.dropout(x, training=True)`, `Dropout(...)(x, training=True)`) or `model.eval()` forgotten.

    ## Why is this bad?
    Each prediction gets a different random mask: the same input gets different answers, and
    accuracy drops towards chance as dropout grows.

    ## Example
    ```python
    def forward(self, x):
        return self.out(F.dropout(F.relu(self.hidden(x)), p=0.5, training=True))
    ```

    ## Fix
    Call `model.eval()` before predicting (torch); use `F.dropout(x, p, training=self.training)`
    / `nn.Dropout`, and never pass `training=True` to layers at inference (Keras).
    """

    code = "TM001"
    cause = "train-mode-at-inference"
    summary = "predictions differ between identical inference calls (dropout left on)"

    def check(self, ev: Evidence):
        result = ev.experiments.get("predict_twice")
        if not result or "inference" not in result:
            return None
        inference, as_called = result["inference"], result["as_called"]
        fix_code = ("model.eval()  # and F.dropout(x, p, training=self.training)" if ev.framework == "torch"
                    else "model.predict(x)  # or model(x, training=False); no training=True in layers")
        for where, pair in (("in inference mode", inference), ("as plain calls", as_called)):
            if pair["relative_diff"] > 1e-5:
                cause = ("dropout forced on in the model itself" if pair is inference else
                         "model.eval() not called before predicting" if ev.framework == "torch" else
                         "a layer built with training=True, which a plain model(x) call runs in training mode")
                return self.finding(
                    "error", 0.9,
                    f"Two identical prediction calls {where} on {result['n']} samples disagree: outputs "
                    f"differ by {pair['relative_diff']:.1%} on average and {1 - pair['argmax_agreement']:.0%} of "
                    f"the predicted classes change ({cause}).",
                    {"n": result["n"], "where": where, **pair},
                    "Make prediction deterministic: model.eval() before predicting (torch), dropout that "
                    "follows the mode, no training=True at inference (Keras).", fix_code,
                    confirmed_by=["predict_twice"])
        return RuledOut(f"two prediction calls on {result['n']} samples agree exactly, in inference mode "
                        "and as plain calls")
