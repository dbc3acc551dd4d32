"""PL001: the output layer and the loss disagree about what the outputs are."""

from __future__ import annotations

import math

import numpy as np

from .._base import Evidence, Rule, RuledOut, fmt_pct, fmt_score
from .._measures import clearly_better, score_of
from ._facts import (CATEGORICAL_LOSSES, PROBABILITY_LOSSES, equal_to_one, framework_error,
                     learned_despite_it, loss_label, output_activation, run_loss, value_range)

KERAS_CLASSES = {"sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
                 "categorical_crossentropy": "CategoricalCrossentropy",
                 "binary_crossentropy": "BinaryCrossentropy"}
SOFTPLUS_MINUS_1 = math.log1p(math.exp(-1.0))  # BCE-with-logits of a positive at logit 1
CRAWLING = 0.75  # a run that covered less of the way to the floor is still crawling (see docs)
BOUNDED = {"sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0),
           "relu": (0.0, math.inf), "relu6": (0.0, 6.0), "softplus": (0.0, math.inf)}  # output ranges
SCORE_ACTIVATIONS = {None, "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish",
                     "tanh", "softplus", "softsign", "exponential", "mish"}  # outputs that are not probabilities
FAR_BELOW_BASELINE = 0.25  # softmax + binary loss: an error when the model trails a simple baseline this far
OUT_OF_REACH = 0.1  # share of regression targets outside the output's range: flagged ...
FAR_OUT_OF_REACH = 0.25  # ... an error from this share (or when the copy learns nothing)
# one unit into a loss that applies sigmoid itself: heads whose outputs stay on one side of 0
AT_MOST_ZERO = {"log_sigmoid"}  # sigmoid(output) <= 0.5: no sample is ever predicted positive
AT_LEAST_ZERO = {"relu", "relu6", "softplus", "exponential"}  # sigmoid(output) >= 0.5
EDGE = 1e-2  # a trained output this close to a bound sits on it (log-sigmoid of a score above 4.6)
MIN_PILE = 3  # trained outputs on the bound: a head's bound is a pile, a logit model's 0 a crossing
MIN_SPREAD = 0.5  # ... while others lie this far from it (a copy that learned nothing sits in one spot)
MIN_SHARE = 0.05  # the class the bound shuts out is not rare


class OutputActivationMismatch(Rule):
    """Flags an output layer whose activation does not fit the loss.

    ## What it does
    Compares the output layer (units and activation) with the loss, before any training:
    softmax over a single unit; a categorical cross-entropy (or `NLLLoss`) over a single unit;
    softmax/sigmoid outputs fed to a loss that applies softmax/sigmoid itself (torch
    `nn.CrossEntropyLoss`/`nn.BCEWithLogitsLoss`, Keras `from_logits=True`); softmax outputs
    fed to `nn.NLLLoss` (which expects log-probabilities); raw scores (no activation, or one
    such as ReLU or tanh that does not make probabilities) fed to a loss that expects
    probabilities (Keras `from_logits=False`, torch `nn.BCELoss`) or log-probabilities
    (`nn.NLLLoss`); softmax over 3+ classes with one-hot labels fed to binary cross-entropy
    (each output scored as its own yes/no question: an error when the model as given trails a
    logistic regression by 25 points, else a warning). The activation is read from the layers; when a torch `forward()` applies
    softmax as a function, from the outputs (rows summing to 1; one unit that is exactly 1.0
    everywhere). It cites what the outputs and the recorded run show: outputs all 1.0, a loss
    of exactly 0, the lowest loss the set-up can reach, or the framework's error.

    The single-unit faults make every prediction identical: errors. The others are errors
    when the trained copy learns nothing (no better than the majority class, or its last-epoch
    loss within 10% of the no-learning loss) or, for probabilities passed as logits, when it
    crawls (its loss covered under 75% of the way from the no-learning loss to the floor it
    cannot pass), or when the user's model as given has learned nothing, or trails the copy
    trained further clearly (10 points beyond the interval: the slowed learning is what the user
    sees, so the mismatch outranks "undertrained" at 0.9); warnings when both learn anyway. Keras's TensorFlow
    backend repairs softmax/sigmoid + `from_logits=True` inside `fit` (it takes the values
    before the activation, and warns): there it is a warning of confidence 0.5 (harmless on that
    backend, a bug on the others).

    One output unit fed to a loss that applies sigmoid itself (`nn.BCEWithLogitsLoss`, Keras
    binary cross-entropy with `from_logits=True`) must be free to take either sign. A
    log-sigmoid head (outputs <= 0: the sigmoid of the output never exceeds 0.5, so no sample
    is ever predicted positive) or a ReLU-like head (ReLU, ReLU6, softplus, exponential:
    outputs >= 0, the sigmoid never below 0.5) is flagged, with the loss floor the bound sets
    (the shut-out class's share times ln 2). A function applied in a torch `forward()`
    (`F.logsigmoid`, `torch.sigmoid`, `F.relu`) is invisible to the layers and is read from
    the outputs: every output of the model as given and of the trained copy on one side of 0
    (or inside [0, 1], read as a sigmoid), at least 3 of the copy's outputs within 0.01 of the
    bound (where training piles up the class the bound shuts out: log-sigmoid reaches -0.01 at
    a score of 4.6) and others at least 0.5 away from it, and the shut-out class at least 5% of
    the training labels. A logit model meets this by chance only if its outputs crowd up to 0
    from one side without ever crossing it; one that learned nothing sits in one spot and is not
    read as a head (measured on two moons: the faulty copy has 38% of its outputs within 0.001
    of 0, its healthy twin none within 0.01). No experiment confirms the reading (it would
    retrain with the head undone): found in the outputs, it is an error of confidence 0.85, not
    0.95. Log-softmax outputs into `nn.CrossEntropyLoss` are not flagged: softmax does not
    change under a shift, so log-softmax scores are as good as raw scores. A sigmoid applied
    in `forward()` whose copy does not pile up at 0 or 1 (a crawling run) is not detected.

    For regression, an output activation with a bounded range (sigmoid, softmax and
    hard-sigmoid: [0, 1]; tanh: [-1, 1]; ReLU and softplus: [0, inf)) is compared with the
    training targets: 10% of them outside that range is flagged, an error from 25% (or when
    the trained copy's R^2 stays under 0.3), since the model can only predict the nearest
    bound for them (a sigmoid unit on standardized targets misses about two thirds).

    ## Why is this bad?
    Softmax over one value is always 1.0, and a categorical loss over one unit is always 0: the
    model cannot express a class, whatever it learns. Probabilities passed as logits are
    squashed twice: the loss can no longer reach 0 and its gradients shrink as the outputs
    saturate, so training crawls or stalls. A log-sigmoid head under a sigmoid loss caps every
    probability at 0.5: the positives' loss cannot fall below ln 2, and predictions are all
    negative while the loss still goes down (the negatives' part). Raw scores read as
    probabilities are clipped to [1e-7, 1 - 1e-7] (Keras) or rejected (torch), and `NLLLoss` on
    raw scores has no lower bound.

    ## Example
    ```python
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3), nn.Softmax(dim=1))
    loss = nn.CrossEntropyLoss()  # applies log-softmax again
    def forward(self, x): return F.logsigmoid(self.score(x))  # with nn.BCEWithLogitsLoss: <= 0.5
    keras.layers.Dense(1, activation="softmax")  # always 1.0
    ```

    ## Fix
    Let exactly one of the two apply the activation: torch losses `CrossEntropyLoss` and
    `BCEWithLogitsLoss` take raw scores (no final Softmax/Sigmoid/LogSigmoid module or
    function; apply `F.logsigmoid` to the returned score where log-probabilities are wanted);
    in Keras match `from_logits` to the output layer. For two classes use one sigmoid unit with binary
    cross-entropy, or one unit per class with softmax. Safe: the model keeps its capacity.
    For regression use a linear output, or scale the targets into the output's range.
    """

    code = "PL001"
    cause = "output-activation-mismatch"
    summary = "the output layer's activation and the loss disagree (softmax on one unit, probabilities into a logits loss, ...)"

    def check(self, ev: Evidence):
        act, source = output_activation(ev)
        units, loss, logits = ev.model.output_units, ev.model.loss_name, ev.model.loss_from_logits
        if units == 1 and loss == "binary_crossentropy" and logits is True and act in (None, "linear"):
            seen = _head_from_outputs(ev)
            if seen is not None:
                act, source = seen, "outputs"
        facts = {"output_units": units, "output_activation": act, "activation_seen_in": source,
                 "loss": loss_label(ev), "loss_from_logits": logits, **run_loss(ev),
                 "framework_error": framework_error(ev)}
        if units == 1 and (act == "softmax" or loss in CATEGORICAL_LOSSES):
            return self._single_unit(ev, act, source, facts)
        if ev.task == "regression" and act in BOUNDED:
            return self._bounded_regression(ev, act, facts)
        kind = _kind(ev, act, units, loss, logits)
        if kind is None:
            if ev.model.loss_task != "classification":
                return None
            return RuledOut(f"the output layer ({units} unit(s), {act or 'no'} activation) fits the "
                            f"loss {facts['loss']}")
        return self._mismatch(kind, ev, act, source, facts)

    def _bounded_regression(self, ev: Evidence, act: str, facts: dict):
        """A regression output squashed into a range that the targets leave."""
        low, high = BOUNDED[act]
        targets = np.asarray(ev.train.targets, dtype=float).reshape(-1) if ev.train.targets is not None \
            else np.zeros(0)
        targets = targets[np.isfinite(targets)]
        if not targets.size:
            return None
        tol = 1e-6 * max(1.0, float(np.abs(targets).max()))
        outside = float(np.mean((targets < low - tol) | (targets > high + tol)))
        facts.update(kinds=["bounded-regression-output"], output_range=[low, high],
                     target_range=[float(targets.min()), float(targets.max())], share_of_targets_out_of_reach=outside)
        reach = f"[{low:g}, {high:g}]" if np.isfinite(high) else f"[{low:g}, inf)"
        if outside < OUT_OF_REACH:
            return RuledOut(f"the output layer's {act} reaches {reach} and {fmt_pct(1 - outside)} of the "
                            "regression targets lie in it")
        r2 = score_of(ev.trained_val, ev.task)
        severe = outside >= FAR_OUT_OF_REACH or r2 is None or not np.isfinite(r2) or r2 < 0.3
        return self.finding(
            "error" if severe else "warning", 0.9 if severe else 0.7,
            f"The output layer applies {act}, so every prediction lies in {reach}; "
            f"{fmt_pct(outside)} of the regression targets (range {facts['target_range'][0]:.3g} to "
            f"{facts['target_range'][1]:.3g}) lie outside it, where the model cannot reach: it predicts the "
            f"nearest bound for them. A copy trained with this output reaches {fmt_score(r2, ev.task)}.",
            facts, "Use a linear output (no activation) for regression, or scale the targets into the "
            "output's range.",
            'keras.layers.Dense(1)  # linear' if ev.framework == "keras" else "nn.Linear(hidden, 1)  # no final activation")

    def _single_unit(self, ev: Evidence, act, source, facts):
        kinds, parts = [], []
        seen = " (seen in its outputs: forward() applies it)" if source == "outputs" else ""
        if act == "softmax":
            kinds.append("softmax-one-unit")
            out = np.asarray(ev.given_val_outputs, dtype=float).reshape(-1)
            facts["val_outputs_equal_to_1"] = int(np.sum(equal_to_one(out)))
            text = (f"The output layer has 1 unit with softmax{seen}: softmax over one value is "
                    f"always 1.0, so every prediction is the same; {facts['val_outputs_equal_to_1']} "
                    f"of {out.size} validation outputs are 1.000")
            if ev.run is not None and ev.run.final_val_outputs is not None:
                trained = np.asarray(ev.run.final_val_outputs, dtype=float).reshape(-1)
                facts["trained_outputs_equal_to_1"] = int(np.sum(equal_to_one(trained)))
                text += f", and {facts['trained_outputs_equal_to_1']} of {trained.size} after {ev.run.steps} training steps"
            parts.append(text + ".")
        if ev.model.loss_name in CATEGORICAL_LOSSES:
            kinds.append("categorical-loss-one-unit")
            text = (f"The loss {facts['loss']} is a categorical cross-entropy over the output units, "
                    "but there is 1 unit: the softmax of one value is 1.0, so the loss is 0 whatever "
                    "the label and no gradient tells the classes apart")
            losses = np.asarray(ev.run.loss, dtype=float) if ev.run is not None else np.zeros(0)
            if losses.size and np.all(losses == 0.0):
                text += f"; the recorded run's loss is exactly 0 at all {losses.size} steps"
            elif facts["framework_error"]:
                text += f"; the recorded run failed with {facts['framework_error']!r}"
            parts.append(text + ".")
        acc = ev.given_val.accuracy
        if acc is not None:
            parts.append(f"Validation accuracy {fmt_pct(acc.value)} (majority class {fmt_pct(acc.majority)}).")
        facts["kinds"] = kinds
        keras = ev.framework == "keras"
        fix = ("For two classes use one output unit with sigmoid and binary cross-entropy (torch: no "
               "activation module and nn.BCEWithLogitsLoss with float targets), or one unit per class "
               "with softmax and sparse categorical cross-entropy.")
        fix_code = ('keras.layers.Dense(1, activation="sigmoid")  # with loss="binary_crossentropy"' if keras
                    else "nn.Linear(hidden, 1)  # no Softmax module; loss = nn.BCEWithLogitsLoss()")
        return self.finding("error", 0.95 if source == "model" else 0.85, " ".join(parts), facts, fix, fix_code)

    def _mismatch(self, kind: str, ev: Evidence, act, source, facts):
        facts["kinds"] = [kind]
        label = facts["loss"]
        seen = " (seen in its outputs: forward() applies it)" if source == "outputs" else ""
        span = value_range(ev.given_val_outputs)
        facts["val_output_range"] = span
        last, lowest = facts.get("last_epoch_loss"), facts.get("min_step_loss")
        keras_repairs = (kind == "probabilities-into-logits-loss" and ev.framework == "keras"
                         and ev.model.extra.get("backend") == "tensorflow")
        if kind == "probabilities-into-logits-loss":
            floor = _floor(ev, act)
            facts["loss_floor"] = floor
            inner = "sigmoid" if ev.model.loss_name == "binary_crossentropy" else "softmax"
            text = (f"The output layer applies {act}{seen}, and the loss {label} expects raw scores "
                    f"and applies {inner} itself: the probabilities are squashed twice.")
            if floor is not None:
                text += (f" With probabilities as scores the loss cannot fall below {floor:.3f} (a "
                         "perfect model scores 0), and its gradients shrink as the outputs saturate.")
            if keras_repairs and last is not None:
                text += (f" Keras's TensorFlow backend notices this inside fit, warns, and computes the "
                         f"loss from the values before the {act}: the recorded run's loss ends at "
                         f"{last:.3f}, so training is unaffected; a loss computed on the model's "
                         "outputs anywhere else is still squashed twice.")
            elif last is not None:
                text += f" The recorded run's loss ends at {last:.3f} (first epoch {facts['first_epoch_loss']:.3f})"
                progress = _progress(ev, floor, last)
                facts["progress_to_floor"] = progress
                text += ("." if progress is None else f", {100 * progress:.0f}% of the way from the "
                         f"no-learning loss {ev.baseline_loss:.3f} to that floor.")
        elif kind == "one-sided-scores-into-logits-loss":
            text = _one_sided_text(ev, act, seen, label, facts)
        elif kind == "probabilities-into-nll":
            text = (f"The output layer applies {act}{seen}, and {label} expects log-probabilities: on "
                    "probabilities it computes -p[label], which lies between -1 and 0 and whose "
                    "gradient vanishes where p is small.")
            if lowest is not None:
                text += f" The recorded run's loss is negative (lowest {lowest:.3f})."
        elif kind == "softmax-into-binary-loss":
            text = (f"The output layer applies softmax over {ev.model.output_units} classes{seen}, but the loss "
                    f"{label} scores each of the {ev.model.output_units} outputs as a yes/no question of its own: "
                    "averaged over the outputs, its gradient is about a class count smaller than categorical "
                    "cross-entropy's, so plain SGD crawls (measured on digits with SGD 0.01: 18% after 5 epochs, "
                    "77% with categorical cross-entropy).")
            baseline = (ev.experiments.get("simple_baseline") or {}).get("best_score")
            given = score_of(ev.given_val, ev.task)
            facts.update(simple_baseline_score=baseline, given_score=given)
            if baseline is not None and given is not None:
                text += (f" The model as given scores {fmt_pct(given)}; a logistic regression on the same "
                         f"split scores {fmt_pct(baseline)}.")
        elif kind == "scores-into-nll":
            text = (f"The output layer emits raw scores (validation outputs from {span[0]:.2f} to "
                    f"{span[1]:.2f}), and {label} expects log-probabilities: on raw scores it computes "
                    "-score[label], which has no lower bound.")
            if lowest is not None:
                text += f" The recorded run's loss falls to {lowest:.4g}."
        else:  # scores-into-probability-loss
            applies = "no softmax/sigmoid" if act in (None, "linear") else f"{act}, not softmax/sigmoid"
            text = (f"The output layer emits raw scores ({applies}; validation outputs from "
                    f"{span[0]:.2f} to {span[1]:.2f}), and the loss {label} expects probabilities")
            text += (": Keras clips them to [1e-7, 1 - 1e-7] and divides each row by its sum, which is "
                     "meaningless for scores." if ev.framework == "keras" else ".")
            if facts["framework_error"]:
                text += f" The recorded run failed with {facts['framework_error']!r}."
            elif last is not None:
                text += f" The recorded run's loss ends at {last:.3f} (first epoch {facts['first_epoch_loss']:.3f})."
        score = score_of(ev.trained_val, ev.task)
        facts["trained_copy_score"] = score
        copy_learned = learned_despite_it(ev)
        crawling = (facts.get("progress_to_floor") or 1.0) < CRAWLING
        if ev.run is not None and not keras_repairs:
            text += f" The trained copy scores {fmt_score(score, ev.task)}"
            text += (", no better than guessing." if not copy_learned else
                     ": it learns, but crawls towards a floor it cannot pass." if crawling else " all the same.")
        fix, fix_code = _fix(kind, ev, act, source)
        seen_in_model = source == "model"
        if kind == "softmax-into-binary-loss":
            given, baseline = facts["given_score"], facts["simple_baseline_score"]
            trails = given is not None and baseline is not None and baseline - given >= FAR_BELOW_BASELINE
            return self.finding("error" if trails else "warning", 0.9 if trails else 0.7, text, facts, fix, fix_code)
        if keras_repairs:  # harmless here, but a bug all the same: other backends do not repair it
            return self.finding("warning", 0.5, text, facts, fix, fix_code)
        # the user's own model still at chance: the slowed learning is what they see
        slowed = ev.run is not None and ev.given_learned and clearly_better(ev.trained_val, ev.given_val, ev.task)
        if copy_learned and not crawling and ev.given_learned and not slowed:
            return self.finding("warning", 0.9 if seen_in_model else 0.8, text, facts, fix, fix_code)
        if slowed:  # it learns, slowly: the user stopped where the shrunken gradients had brought it
            facts["given_score"] = score_of(ev.given_val, ev.task)
            text += (f" The model as given scores {fmt_score(facts['given_score'], ev.task)}, clearly below "
                     "the copy trained further: the squashed gradients slow learning, and the user stopped "
                     "long before it got anywhere.")
            return self.finding("error", 0.9, text, facts, fix, fix_code)
        return self.finding("error", 0.95 if seen_in_model else 0.85, text, facts, fix, fix_code)


def _one_sided_text(ev: Evidence, act, seen: str, label: str, facts: dict) -> str:
    """A head whose outputs stay on one side of 0, under a loss that applies sigmoid itself."""
    at_most = act in AT_MOST_ZERO
    shut_out, k = ("positive", 1) if at_most else ("negative", 0)
    share = _share(ev, k)
    floor = share * math.log(2.0)
    facts.update(output_bound="<= 0" if at_most else ">= 0", shut_out_class=k, loss_floor=floor)
    text = (f"The output layer applies {act}{seen}, so every output is {'at most' if at_most else 'at least'} 0, "
            f"and the loss {label} applies sigmoid itself: the sigmoid of such a value is "
            f"{'at most' if at_most else 'at least'} 0.5, so no sample ever gets a probability "
            f"{'above' if at_most else 'below'} 0.5 of being positive and every {shut_out} costs at least ln 2.")
    span = facts["val_output_range"]
    if span is not None:
        text += f" Validation outputs run from {span[0]:.3g} to {span[1]:.3g}"
    if ev.run is not None and ev.run.final_val_outputs is not None:
        trained = _finite(ev.run.final_val_outputs)
        if trained.size:
            pinned = int(np.sum(np.abs(trained) <= EDGE))
            facts.update(trained_output_range=[float(trained.min()), float(trained.max())],
                         trained_outputs_at_bound=pinned)
            text += ((", and " if span is not None else " Validation outputs run ") +
                     f"after {ev.run.steps} training steps from {trained.min():.3g} to {trained.max():.3g}, "
                     f"{pinned} of {trained.size} within {EDGE:g} of 0")
            out = np.asarray(ev.run.final_val_outputs, dtype=np.float64).reshape(-1)
            labels = ev.val.labels
            if pinned and labels is not None and len(labels) == out.size:
                mine = int(np.sum((np.abs(out) <= EDGE) & (np.asarray(labels) == k)))
                facts["shut_out_class_at_bound"] = mine
                text += f" ({mine} of them {shut_out}s, pushed against the bound)"
    elif span is None:
        return text
    text += "."
    recall = ev.trained_val.per_class_recall if ev.trained_val is not None else None
    if recall and len(recall) > k and recall[k] is not None:
        facts["trained_copy_recall_of_shut_out_class"] = recall[k]
        text += f" The trained copy predicts {fmt_pct(recall[k])} of the validation {shut_out}s as {shut_out}."
    if share:
        text += (f" The loss cannot fall below {floor:.3f} ({fmt_pct(share)} {shut_out}s times ln 2)")
        last = facts.get("last_epoch_loss")
        text += f"; the recorded run's loss ends at {last:.3f}." if last is not None else "."
    return text


def _kind(ev: Evidence, act, units: int, loss: str, logits) -> str | None:
    if units == 1 and loss == "binary_crossentropy" and logits is True and act in AT_MOST_ZERO | AT_LEAST_ZERO:
        return "one-sided-scores-into-logits-loss"
    if act in ("softmax", "sigmoid"):
        if logits is True:
            return "probabilities-into-logits-loss"
        if loss == "nll":
            return "probabilities-into-nll"
        if act == "softmax" and loss == "binary_crossentropy" and units > 2 and _single_label(ev, units):
            return "softmax-into-binary-loss"
        return None
    if act not in SCORE_ACTIVATIONS:  # log-softmax, hard-sigmoid, or one not known
        return None
    if loss == "nll":
        return "scores-into-nll"
    if logits is False and loss in PROBABILITY_LOSSES and _scores(ev, units):
        return "scores-into-probability-loss"
    return None


def _head_from_outputs(ev: Evidence) -> str | None:
    """The head a torch ``forward()`` applies as a function, read from one unit's outputs.

    "log_sigmoid" when every output (as given and after the recorded run) is <= 0, "sigmoid"
    when every one lies in [0, 1], "relu" when every one is >= 0; each only when the trained
    copy piles `MIN_PILE` outputs within `EDGE` of the bound with others `MIN_SPREAD` away,
    and the class the bound shuts out is not rare (see the rule's docstring).
    """
    if ev.run is None or ev.run.final_val_outputs is None:
        return None
    given, trained = (_finite(v) for v in (ev.given_val_outputs, ev.run.final_val_outputs))
    if not trained.size:
        return None
    both = np.concatenate([given, trained])
    low, high = float(both.min()), float(both.max())
    at_zero, at_one = int(np.sum(np.abs(trained) <= EDGE)), int(np.sum(np.abs(trained - 1.0) <= EDGE))
    spread = float(trained.max() - trained.min())
    if spread < MIN_SPREAD:
        return None
    if high <= 0.0 and at_zero >= MIN_PILE and _share(ev, 1) >= MIN_SHARE:
        return "log_sigmoid"
    if low >= 0.0 and high <= 1.0 and max(at_zero, at_one) >= MIN_PILE:
        return "sigmoid"
    if low >= 0.0 and at_zero >= MIN_PILE and _share(ev, 0) >= MIN_SHARE:
        return "relu"
    return None


def _finite(values) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64).reshape(-1)
    return a[np.isfinite(a)]


def _share(ev: Evidence, k: int) -> float:
    """Class k's share of the training labels (0 when they are not two classes)."""
    counts = ev.train.class_counts
    return counts[k] / max(sum(counts), 1) if counts and len(counts) == 2 else 0.0


def _single_label(ev: Evidence, units: int) -> bool:
    """One-hot targets of the output's width: one class per sample (not multi-label)."""
    y = ev.train.targets
    if y is None or y.ndim != 2 or y.shape[1] != units:
        return False
    finite = y[np.isfinite(y).all(axis=1)]
    return bool(finite.size and np.allclose(finite.sum(axis=1), 1.0) and ((finite == 0) | (finite == 1)).all())


def _scores(ev: Evidence, units: int) -> bool:
    """Outputs that cannot be probabilities: several units not summing to 1, or one outside [0, 1]."""
    if units > 1:
        return True  # a softmax in forward() would have been seen in the outputs
    spans = [value_range(ev.given_val_outputs)]
    if ev.run is not None and ev.run.final_val_outputs is not None:
        spans.append(value_range(ev.run.final_val_outputs))
    return any(s is not None and (s[0] < 0.0 or s[1] > 1.0) for s in spans)


def _floor(ev: Evidence, act) -> float | None:
    """The lowest loss a perfect model reaches when probabilities are fed in as scores."""
    units = ev.model.output_units
    if act == "softmax" and ev.model.loss_name != "binary_crossentropy" and units > 1:
        # best case: the true class at 1, the others at 0 -> -log(e / (e + C - 1))
        return math.log1p((units - 1) / math.e)
    if act == "sigmoid" and units == 1 and ev.train.class_counts and len(ev.train.class_counts) == 2:
        n0, n1 = ev.train.class_counts
        # a negative can get no lower than logit 0 (ln 2), a positive than logit 1
        return (n0 * math.log(2.0) + n1 * SOFTPLUS_MINUS_1) / max(n0 + n1, 1)
    return None


def _progress(ev: Evidence, floor: float | None, last: float) -> float | None:
    """How far the run got from the no-learning loss towards the floor: 0 = not at all, 1 = there."""
    if floor is None or not ev.baseline_loss or ev.baseline_loss <= floor:
        return None
    return float((ev.baseline_loss - last) / (ev.baseline_loss - floor))


def _fix(kind: str, ev: Evidence, act, source) -> tuple[str, str]:
    keras_cls = KERAS_CLASSES.get(ev.model.loss_name, "Loss")
    if kind == "softmax-into-binary-loss":
        if ev.framework == "keras":
            return ("Use categorical cross-entropy with a softmax output and one-hot labels (binary "
                    "cross-entropy is for one sigmoid unit, or for multi-label outputs).",
                    'model.compile(loss="categorical_crossentropy", ...)')
        return ("Drop the final nn.Softmax and use nn.CrossEntropyLoss on the raw scores with class-index "
                "targets (y.argmax(1)).", "loss = nn.CrossEntropyLoss()(scores, y.argmax(dim=1))")
    if kind == "probabilities-into-logits-loss":
        if ev.framework == "keras":
            return ("Set from_logits=False (the default) when the output layer has an activation, or "
                    "drop the activation and keep from_logits=True.",
                    f"keras.losses.{keras_cls}(from_logits=False)")
        module = "nn.Softmax" if act == "softmax" else "nn.Sigmoid"
        if source == "outputs":
            return (f"Return the raw scores from forward(): {loss_label(ev)} applies "
                    f"{act} itself; apply torch.{act} only where you read probabilities.",
                    f"return self.out(h)  # in forward(), no {act}; probs = torch.{act}(model(x), ...)")
        return (f"Remove the final {module}: {loss_label(ev)} applies {act} itself; apply torch.{act} only "
                "where you read probabilities.",
                f"model = nn.Sequential(*list(model.children())[:-1])  # without the final {module}")
    if kind == "one-sided-scores-into-logits-loss":
        where = ("apply F.logsigmoid to it where log-probabilities are wanted" if act in AT_MOST_ZERO
                 else "apply torch.sigmoid to it where probabilities are wanted")
        if ev.framework == "keras":
            return (f"Drop the output activation ({act}) and keep from_logits=True, or use "
                    "activation=\"sigmoid\" with from_logits=False.",
                    'keras.layers.Dense(1)  # with keras.losses.BinaryCrossentropy(from_logits=True)')
        if source == "outputs":
            return (f"Return the raw score from forward(): {loss_label(ev)} applies sigmoid itself and "
                    f"needs both signs; {where}.",
                    "return self.out(h)  # in forward(), no " + act + "; log_p = F.logsigmoid(model(x))")
        return (f"Remove the final {act} module: {loss_label(ev)} applies sigmoid itself and needs both "
                f"signs; {where}.", "model = nn.Sequential(*list(model.children())[:-1])  # without the "
                f"final {act}")
    if kind == "probabilities-into-nll":
        return ("Use nn.LogSoftmax(dim=1) as the last layer for nn.NLLLoss, or drop the Softmax and use "
                "nn.CrossEntropyLoss.", "nn.LogSoftmax(dim=1)  # instead of nn.Softmax(dim=1), with nn.NLLLoss()")
    if kind == "scores-into-nll":
        return ("Use nn.CrossEntropyLoss on the raw scores (it is NLLLoss after log_softmax), or end the "
                "model with nn.LogSoftmax(dim=1).", "loss = nn.CrossEntropyLoss()")
    if ev.framework == "keras":
        return ("Pass from_logits=True to the loss, or give the output layer activation=\"softmax\" "
                "(\"sigmoid\" for one unit).", f"keras.losses.{keras_cls}(from_logits=True)")
    return ("Use nn.BCEWithLogitsLoss, which applies the sigmoid itself (and is numerically stable), "
            "or end the model with nn.Sigmoid().", "loss = nn.BCEWithLogitsLoss()")

