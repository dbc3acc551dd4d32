"""GD007: a Keras layer's raw ``tf.Variable`` weights are invisible to ``model.trainable_weights``."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut, fmt_pct, fmt_score
from .._measures import clearly_better, score_of

UNFREEZE = "unfreeze"
MOSTLY = 0.5  # share of the parameters untracked for an error without a control run


class UntrackedVariables(Rule):
    """Flags Keras layers that hold their weights in raw ``tf.Variable`` objects (created in
    ``build()`` the TF 2.x way) that Keras 3 does not track, so ``fit`` never trains them.

    ## What it does
    Looks through the attributes of every trainable layer of the model (and the lists, tuples
    and dicts on it) for trainable floating-point backend variables (``tf.Variable``, or a
    ``torch.nn.Parameter`` on the torch backend) that are not among the model's or the layer's
    weights. Weights made with ``self.add_weight`` or ``keras.Variable`` are tracked and never
    flagged; neither are variables made with ``trainable=False``, nor anything in a layer set
    ``trainable=False`` (frozen on purpose). A copy is then trained with those variables turned
    into weights of their layers (``add_weight``, starting from their values; the `unfreeze`
    control): when it predicts clearly better than the recorded run, they are what held the
    model back, an error. When it predicts no better, they are a fixed projection kept on
    purpose, or harmless, and the rule stands aside.
    When that copy cannot be made (the layer's code refuses a Keras weight in their place),
    nothing confirms the finding by experiment, and the confidence says how much of the model
    they are: a model with no trainable weight at all besides them trains nothing (an error,
    confidence 0.9: its loss cannot move); half of the parameters or more, an error at 0.7;
    less, a warning at 0.5.

    ## Why is this bad?
    Keras 3 builds the optimizer over ``model.trainable_weights``, which holds only the
    variables Keras tracks. Raw ``tf.Variable`` weights keep their random initial values for
    the whole run: ``fit`` runs without an error, but the loss stays at its starting value
    (``ln(10)`` for 10 classes when nothing else trains) and predictions are at chance. They are
    also left out of ``save()``, ``get_weights()`` and ``count_params()``.

    ## Example
    ```python
    class MyDense(keras.layers.Layer):
        def build(self, input_shape):
            self.kernel = tf.Variable(tf.random.normal((input_shape[-1], self.units)))  # untracked
            self.bias = tf.Variable(tf.zeros((self.units,)))
    ```

    ## Fix
    Create the weights with ``self.add_weight(shape=..., initializer=..., trainable=True)`` (or
    ``keras.Variable``) in ``build()``. Safe: it only lets Keras see and train what the forward
    pass uses.
    """

    code = "GD007"
    cause = "parameters-not-updating"
    summary = "a Keras layer's raw tf.Variable weights are not tracked by Keras and never train"

    def wants(self, ev: Evidence) -> set[str]:
        return {UNFREEZE} if ev.model.extra.get("untracked_variables") and ev.run is not None else set()

    def check(self, ev: Evidence):
        hidden = ev.model.extra.get("untracked_variables") or []
        if not hidden:
            return None
        names = [v["name"] for v in hidden]
        size = sum(v["params"] for v in hidden)
        tracked = ev.model.extra.get("trainable_params") or 0
        share = size / max(size + tracked, 1)
        what = (f"The model's layers hold {len(names)} variable(s) with {size} parameters that Keras does not "
                f"track ({', '.join(names[:6])}{', ...' if len(names) > 6 else ''}; {fmt_pct(share)} of the "
                f"parameters, {tracked} trainable parameters besides): raw tf.Variable objects, not "
                "add_weight(), so model.trainable_weights leaves them out and fit() never trains them")
        evidence = {"untracked_variables": names, "untracked_params": size, "untracked_share": share,
                    "trainable_params": tracked, "recorded_score": score_of(ev.trained_val, ev.task)}
        fix = ("Create the layer's weights with self.add_weight(shape=..., initializer=..., trainable=True) "
               "in build(), not tf.Variable(...).")
        fix_code = ('self.kernel = self.add_weight(shape=(input_shape[-1], self.units), '
                    'initializer="glorot_uniform", trainable=True)')
        control = ev.control_val.get(UNFREEZE)
        if ev.run is None or control is None:
            if tracked == 0:
                severity, confidence, why = "error", 0.9, "the model has no other trainable weight: fit() trains nothing"
            elif share >= MOSTLY:
                severity, confidence, why = "error", 0.7, "most of the parameters never train"
            else:
                severity, confidence, why = "warning", 0.5, "the rest of the model trains"
            return self.finding(severity, confidence,
                                f"{what}; {why} (not confirmed: no copy with them tracked could be trained).",
                                evidence, fix, fix_code)
        evidence["tracked_score"] = score_of(control, ev.task)
        if not clearly_better(control, ev.trained_val, ev.task):
            return RuledOut(f"{what}, but training them too predicts no better "
                            f"({fmt_score(evidence['tracked_score'], ev.task)} vs "
                            f"{fmt_score(evidence['recorded_score'], ev.task)}): fixed on purpose, or harmless")
        return self.finding(
            "error", 0.95,
            f"{what}. They keep their random initial weights: the same training reaches "
            f"{fmt_score(evidence['recorded_score'], ev.task)}, and "
            f"{fmt_score(evidence['tracked_score'], ev.task)} with them made weights of their layers (add_weight).",
            evidence, fix, fix_code, confirmed_by=["recorded_run", UNFREEZE])
