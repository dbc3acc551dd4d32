"""PL003: the labels are encoded for another loss or another output layer."""

from __future__ import annotations

from .._base import Evidence, Rule, RuledOut, fmt_score
from .._measures import score_of
from ._facts import framework_error, loss_label, shape_text


class LabelEncodingMismatch(Rule):
    """Flags labels whose encoding does not fit the loss or the number of output units.

    ## What it does
    Compares the shape of the training targets with the loss and the output layer before
    any training: one-hot targets `(N, C)` with a sparse (integer-label) loss; integer labels
    `(N,)` with a categorical (one-hot) loss; integer labels `(N,)` with binary cross-entropy
    over several output units, which needs one 0/1 target per unit. Most of these make the
    framework raise at the first step; the finding quotes that error from the recorded run.

    Torch's `nn.CrossEntropyLoss` reads `(N, C)` float targets as class probabilities, so
    one-hot targets are valid there (ruled out). Labels the output layer cannot produce at all
    (integers outside 0..C-1, one-hot rows wider or narrower than the output layer) are
    refused by `diagnose()` with a ValueError that names the argument, before this rule runs.

    ## Why is this bad?
    The loss indexes, compares or broadcasts the targets against the outputs in a way the
    targets were not encoded for: Keras 3 and torch raise a shape error at `fit`, older Keras
    trained silently against the wrong targets (accuracy stuck at chance).

    ## Example
    ```python
    model.compile(loss="sparse_categorical_crossentropy")
    model.fit(x, keras.utils.to_categorical(y))  # one-hot into a sparse loss
    nn.BCEWithLogitsLoss()(model(x), y)  # 2 output units, y of shape (N,)
    ```

    ## Fix
    Keep labels and loss in the same encoding: integer labels with sparse categorical
    cross-entropy (torch `nn.CrossEntropyLoss`), one-hot rows with categorical cross-entropy;
    one sigmoid unit for two classes with binary cross-entropy, or `(N, C)` 0/1 targets for
    multi-label outputs.
    """

    code = "PL003"
    cause = "label-encoding-mismatch"
    summary = "labels encoded for another loss (one-hot vs integer) or another number of output units"

    def check(self, ev: Evidence):
        if ev.model.loss_task != "classification" or ev.train.target_shape is None:
            return None
        shape, units, loss, label = ev.train.target_shape, ev.model.output_units, ev.model.loss_name, loss_label(ev)
        one_hot = len(shape) == 1 and shape[0] > 1
        present = sum(1 for c in ev.train.class_counts or [] if c > 0)
        evidence = {"target_shape": shape_text(shape), "output_units": units, "loss": label,
                    "classes_in_labels": present, "framework_error": framework_error(ev)}
        keras = ev.framework == "keras"
        if one_hot and loss == "sparse_categorical_crossentropy":
            if not keras:
                return RuledOut(f"{label} reads {shape_text(shape)} float targets as class probabilities: "
                                "one-hot targets are valid")
            evidence["kind"] = "one-hot-into-sparse-loss"
            message = (f"The targets are one-hot, shape {shape_text(shape)} ({present} classes), but the loss "
                       f"{label} expects one integer class index per sample, shape (N,).")
            fix = ("Pass integer labels (y.argmax(axis=1)), or use categorical_crossentropy, which takes "
                   "one-hot rows.", 'model.compile(loss="categorical_crossentropy", ...)  # or fit on y.argmax(axis=1)')
        elif not one_hot and loss == "categorical_crossentropy" and units > 1:
            evidence["kind"] = "integers-into-categorical-loss"
            message = (f"The targets are integer class indices, shape {shape_text(shape)} ({present} classes), "
                       f"but the loss {label} expects one-hot rows of {units} columns, shape (N, {units}).")
            fix = ("Use sparse_categorical_crossentropy for integer labels, or one-hot encode them.",
                   'model.compile(loss="sparse_categorical_crossentropy", ...)  # or y = keras.utils.to_categorical(y, C)')
        elif not one_hot and loss == "binary_crossentropy" and units > 1:
            evidence["kind"] = "integers-into-multi-unit-binary-loss"
            message = (f"The output layer has {units} units and the loss {label} scores each unit as its "
                       f"own yes/no label, but the targets hold one class index per sample, shape "
                       f"{shape_text(shape)} ({present} classes): there is no 0/1 target for each unit.")
            fix = ("For two classes use one output unit; for C exclusive classes, one unit per class with "
                   "softmax cross-entropy; for multi-label outputs, (N, C) 0/1 targets.",
                   'keras.layers.Dense(1, activation="sigmoid")  # two classes, binary_crossentropy' if keras
                   else "nn.Linear(hidden, 1)  # two classes with nn.BCEWithLogitsLoss(); C classes: nn.CrossEntropyLoss()")
        else:
            return RuledOut(f"the targets {shape_text(shape)} fit the loss {label} and the output "
                            f"layer's {units} unit(s)")
        if evidence["framework_error"]:
            message += f" The recorded run failed with {evidence['framework_error']!r}."
        elif ev.run is not None:
            message += f" The trained copy scores {fmt_score(score_of(ev.trained_val, ev.task), ev.task)}."
        return self.finding("error", 0.95, message, evidence, *fix)
