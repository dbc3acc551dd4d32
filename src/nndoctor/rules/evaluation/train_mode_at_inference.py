"""TM001: dropout or batch statistics stay active when the model predicts."""

from __future__ import annotations

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_score

# batch-norm with the batch's own statistics this much better than with its running ones
STATS_GAP = {"classification": 0.10, "regression": 0.2}
ALONE_DIFF = 1e-3  # relative output difference, alone vs in a batch (float noise between batch sizes: ~1e-7)


class TrainModeAtInference(Rule):
    """Flags predictions that change between two identical calls: in inference mode, or as the
    user's own code calls the model.

    ## What it does
    Runs `predict_twice`: the same validation inputs through the model twice in inference mode
    (`model.eval()` + `no_grad` for torch, `training=False` for Keras), and twice as plain calls
    (a torch model in the mode it was handed over in; Keras `model(x)` without a training flag),
    on a copy. Any difference means randomness survives at prediction time: dropout forced on
    (`F.dropout(x, training=True)`, `Dropout(...)(x, training=True)`) or `model.eval()` forgotten.

    Samples predicted one at a time must get the answers they get within a batch (relative
    difference under 1e-3): a model whose batch-norm runs in training mode inside its own
    `call`/`forward` gives a lone sample garbage (an error).

    A model with batch-norm layers is also scored with those layers using the validation batch's
    own statistics: if that predicts 10 accuracy points (0.2 R^2) better than the running
    statistics do, the running statistics never tracked the data (an error).

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
        alone = result.get("alone_vs_in_batch")
        if alone is not None and alone["relative_diff"] > ALONE_DIFF:
            return self.finding(
                "error", 0.9,
                f"In inference mode a sample predicted on its own gets another answer than the same sample "
                f"predicted within a batch: over {result['alone_n']} samples the outputs differ by "
                f"{alone['relative_diff']:.1%} on average and {1 - alone['argmax_agreement']:.0%} of the predicted "
                "classes change. The model normalizes by the statistics of the batch it predicts (batch-norm "
                "left in training mode, e.g. a layer called with training=True), so small batches and single "
                "samples get meaningless predictions.",
                {"n": result["alone_n"], "where": "one sample at a time vs in a batch", **alone},
                "Let batch-norm follow the mode: call the layers with the model's own training flag "
                "(never training=True), and model.eval() before predicting (torch).",
                "x = self.bn1(x, training=training)" if ev.framework == "keras" else "model.eval()",
                confirmed_by=["predict_twice"])
        running, batch = result.get("running_statistics_score"), result.get("batch_statistics_score")
        if running is not None and batch is not None and np.isfinite(batch) and (
                not np.isfinite(running) or batch - running >= STATS_GAP[ev.task]):
            # same weights, one setting changed: a wide gap outranks what the bad predictions
            # make other rules suspect (the copies are judged in inference mode too)
            return self.finding(
                "error", 0.97 if batch - running >= 2 * STATS_GAP[ev.task] else 0.85,
                f"The batch-norm layers' running statistics do not describe the data: in inference mode "
                f"the model predicts {fmt_score(running, ev.task)} on {result['n']} validation samples, "
                f"with the same layers normalizing by the batch's own statistics "
                f"{fmt_score(batch, ev.task)}. Prediction uses statistics that never tracked training "
                "(momentum 0 in torch / 1.0 in Keras, frozen layers, or statistics from other data).",
                {"n": result["n"], "where": "batch-norm running statistics", "running_statistics_score": running,
                 "batch_statistics_score": batch},
                "Let the batch-norm layers track the training data: the default momentum (torch 0.1, "
                "Keras 0.99), trainable layers during training, then model.eval() / training=False to predict.",
                "nn.BatchNorm1d(n)  # momentum=0.1" if ev.framework == "torch"
                else "layers.BatchNormalization()  # momentum=0.99",
                confirmed_by=["predict_twice"])
        return RuledOut(f"two prediction calls on {result['n']} samples agree exactly, in inference mode "
                        "and as plain calls" + ("; batch-norm running statistics predict as well as the "
                                                "batch's own" if batch is not None else ""))
