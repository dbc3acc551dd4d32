"""Checks of the script's training that need the diagnosis first: they compare the model the
script produced with the copy the diagnosis trained the standard way (shuffled batches, the
user's learning rate throughout). RUN006: labels fed in class order; RUN008: a learning-rate
schedule that cut the rate to nothing early in training."""

from __future__ import annotations

import numpy as np

from ..findings import Finding
from ..result import Diagnosis
from ..rules._base import fmt_pct
from ..rules._measures import CLEAR_MARGIN
from .label_order import LabelOrder, class_labels
from .script_rules import LossBroadcast, LRScheduleCollapse, LRScheduleRise, OneClassBatches


def copy_gap(d: Diagnosis) -> dict | None:
    """The model as given against the diagnosis's trained copy on the validation data, when
    the copy is clearly better (10 accuracy points beyond the given model's interval, or 0.2
    R^2): ``{"metric", "given", "copy", "severe"}``; severe: the copy is 25 points (0.4 R^2)
    better or the given model is no better than the majority class (R^2 under 0.3)."""
    given, copy = d.metrics.get("val_accuracy"), d.metrics.get("trained_copy_val_accuracy")
    if given and copy:
        gap = copy["value"] - given["value"]
        if gap < CLEAR_MARGIN["classification"] or copy["value"] <= given["ci95"][1]:
            return None
        return {"metric": "val_accuracy", "given": given["value"], "copy": copy["value"],
                "severe": gap >= 0.25 or not given["better_than_majority"]}
    given, copy = d.metrics.get("val_r2"), d.metrics.get("trained_copy_val_r2")
    if given is None or copy is None or not np.isfinite(copy):
        return None
    given = given if np.isfinite(given) else -np.inf
    if copy - given < CLEAR_MARGIN["regression"]:
        return None
    return {"metric": "val_r2", "given": given, "copy": copy, "severe": copy - given >= 0.4 or given < 0.3}


def _score(gap: dict, which: str) -> str:
    value = gap[which]
    return fmt_pct(value) if gap["metric"] == "val_accuracy" else f"R^2 {value:.2f}"


MIN_PAIRS = 50  # neighbouring training labels seen before their order counts
MAX_CLASSES = 100
MAX_SHUFFLED_RUN = 0.8  # near-single-class data has long runs however it is shuffled
ORDERED = 0.5  # share of the label stream's agreement beyond chance: (runs - shuffled) / (1 - shuffled)
FIX_CODE = {
    "torch": "loader = torch.utils.data.DataLoader(train_set, batch_size=32, shuffle=True)",
    "keras": ("train_ds = train_ds.shuffle(buffer_size=n_train_samples, reshuffle_each_iteration=True).batch(32)"
              "  # or model.fit(x, y, shuffle=True)"),
}


def one_class_batches(order: LabelOrder | None, y, d: Diagnosis, framework: str = "torch") -> Finding | None:
    """RUN006: the script fed its training labels in class order, and a copy trained on
    shuffled batches (the diagnosis's recorded run) scores clearly above the model the script
    produced. In class order: neighbouring labels agree at least half-way between what a
    shuffled stream gives (sum of p_k^2) and always: a shuffle buffer far smaller than the data
    (``tf.data`` ``shuffle(64)`` over data read class by class) leaves batches that one or two
    classes dominate, as does no shuffling at all."""
    if order is None or order.pairs < MIN_PAIRS or y is None:
        return None
    labels = class_labels(np.asarray(y))
    if labels is None:
        return None
    counts = np.unique(labels, return_counts=True)[1]
    if len(counts) > MAX_CLASSES:  # whole-number regression targets, not classes
        return None
    p = counts / counts.sum()
    shuffled = float((p ** 2).sum())
    if len(counts) < 2 or shuffled >= MAX_SHUFFLED_RUN:
        return None
    runs = order.run_fraction
    beyond_chance = (runs - shuffled) / (1.0 - shuffled)
    if beyond_chance < ORDERED:
        return None
    one_class = order.batches_one_class / order.batches_judged if order.batches_judged else None
    gap = copy_gap(d)
    if gap is None or gap["metric"] != "val_accuracy":
        return None
    severe = gap["severe"]
    return Finding(
        cause="sorted-data-split", code=OneClassBatches.code, severity="error" if severe else "warning",
        confidence=0.95 if severe else 0.85,
        message=(f"The script's training loop fed the labels in class order: {fmt_pct(runs)} of neighbouring "
                 f"training samples share a label (shuffled: {fmt_pct(shuffled)})"
                 + (f", and {fmt_pct(one_class)} of its {order.batches_judged} batches hold a single class"
                    if one_class is not None else "")
                 + f". The model the script trained scores {_score(gap, 'given')} on validation data; a copy "
                 f"trained on shuffled batches scores {_score(gap, 'copy')}."),
        evidence={"train_label_run_fraction": runs, "shuffled_run_fraction": shuffled,
                  "order_beyond_chance": beyond_chance,
                  "one_class_batch_share": one_class, "batches": order.batches_judged,
                  "given_score": gap["given"], "shuffled_copy_score": gap["copy"]},
        fix=("Shuffle the training batches every epoch, over the whole training set (a shuffle buffer "
             "at least as large as the data)." if framework == "keras" else "Shuffle the training batches every epoch."),
        fix_code=FIX_CODE[framework],
        confirmed_by=["recorded_run"])


FALLEN = 0.01  # a learning rate under 1% of its peak ...
EARLY = 0.5  # ... within the first half of the optimizer steps, and still there at the end
MIN_STEPS = 10


def lr_schedule_collapse(trace: list | None, d: Diagnosis) -> Finding | None:
    """RUN008: the learning rate the script stepped with fell under 1% of its peak within the
    first half of training and stayed there, and a copy trained at the peak rate throughout
    (the diagnosis's recorded run) scores clearly above the model the script produced."""
    if not trace or len(trace) < MIN_STEPS:
        return None
    rates = np.asarray(trace, dtype=float)
    top = int(rates.argmax())
    peak = float(rates[top])
    fallen = np.flatnonzero(rates[top:] < FALLEN * peak)
    if peak <= 0 or not len(fallen) or rates[-1] >= FALLEN * peak:
        return None
    first = top + int(fallen[0])
    if first > EARLY * len(rates):
        return None
    gap = copy_gap(d)
    if gap is None:
        return None
    severe = gap["severe"]
    return Finding(
        cause="lr-too-low", code=LRScheduleCollapse.code, severity="error" if severe else "warning",
        confidence=0.92 if severe else 0.8,
        message=(f"The learning-rate schedule cut the rate from {peak:.3g} to {rates[-1]:.3g}: under "
                 f"{fmt_pct(FALLEN)} of its peak after {first} of {len(rates)} optimizer steps, so the "
                 f"remaining {len(rates) - first} steps barely moved the weights (a scheduler stepped every "
                 f"batch where it was meant to step every epoch?). The model the script trained scores "
                 f"{_score(gap, 'given')} on validation data; a copy trained at {peak:.3g} throughout scores "
                 f"{_score(gap, 'copy')}."),
        evidence={"peak_lr": peak, "final_lr": float(rates[-1]), "steps": len(rates),
                  "step_under_1pct_of_peak": first, "given_score": gap["given"], "peak_lr_copy_score": gap["copy"],
                  "metric": gap["metric"]},
        fix=("Step the scheduler once per epoch (after the batch loop), or size it in batches "
             "(step_size / T_max = epochs x batches per epoch) so the rate decays over the whole training."),
        fix_code="for epoch in range(epochs):\n    for xb, yb in loader: ...\n    scheduler.step()",
        confirmed_by=["recorded_run"])


RISEN = 10.0  # the final rate over the rate of the epoch with the lowest loss ...
CLIMBED = 2.0  # ... and the final loss over the lowest loss (or NaN)
MIN_EPOCHS = 4


def lr_schedule_rise(epoch_lr: list, epoch_loss: list) -> Finding | None:
    """RUN010: the rate kept rising after the epoch with the lowest loss, to 10x or more, and
    the loss climbed back to twice its lowest value or more (or NaN)."""
    if len(epoch_lr) < MIN_EPOCHS or len(epoch_lr) != len(epoch_loss):
        return None
    rates, losses = np.asarray(epoch_lr, dtype=float), np.asarray(epoch_loss, dtype=float)
    finite = np.isfinite(losses)
    if not finite.any() or not np.all(np.isfinite(rates)) or rates.min() <= 0:
        return None
    best = int(np.nanargmin(np.where(finite, losses, np.nan)))
    final, lowest = losses[-1], losses[best]
    broke = not np.isfinite(final) or final >= CLIMBED * lowest
    if not broke or rates[-1] < RISEN * rates[best]:
        return None
    undone = not np.isfinite(final) or final >= losses[0]
    return Finding(
        cause="lr-too-high", code=LRScheduleRise.code, severity="error" if undone else "warning",
        confidence=0.9 if undone else 0.75,
        message=(f"The learning-rate schedule kept raising the rate: {rates[best]:.3g} at epoch {best + 1}, "
                 f"where the training loss was lowest ({lowest:.3g}), {rates[-1]:.3g} at the last of "
                 f"{len(rates)} epochs ({rates[-1] / rates[best]:.3g}x), where the loss is {final:.3g}"
                 + (" (back above the first epoch's)" if undone else "")
                 + ": past its best rate every step overshoots, and the training it had done is undone."),
        evidence={"best_epoch": best + 1, "lr_at_best": float(rates[best]), "final_lr": float(rates[-1]),
                  "lowest_loss": float(lowest), "final_loss": float(final), "first_loss": float(losses[0]),
                  "epochs": len(rates)},
        fix=(f"Train at a constant or decaying rate near {rates[best]:.2g} (where the loss was lowest); remove a "
             "range-test schedule from the real run, or cap the warm-up at its target rate."),
        fix_code=f"model.compile(optimizer=keras.optimizers.Adam(learning_rate={rates[best]:.2g}), loss=...)",
        confirmed_by=["recorded_run"])


def loss_broadcast(shapes: tuple | None, d: Diagnosis) -> Finding | None:
    """RUN011: a custom loop's hand-written loss broadcast an (N, 1) output against (N,)
    targets; confirmed when the copy, trained with a loss that matches the shapes, scores
    clearly better than the model the script trained."""
    if shapes is None:
        return None
    (out_shape, y_shape), gap = shapes, copy_gap(d)
    n = out_shape[0]
    message = (f"The training loop's hand-written loss subtracts targets of shape {y_shape} from outputs of shape "
               f"{out_shape}: they broadcast to ({n}, {n}), so every prediction is pulled toward every target "
               "of its batch and the model learns the batch mean.")
    if gap is not None:
        message += (f" The model the script trained scores {_score(gap, 'given')} on validation data; a copy "
                    f"trained with a loss that matches the shapes scores {_score(gap, 'copy')}.")
    return Finding(
        cause="shape-broadcast", code=LossBroadcast.code, severity="error" if gap is not None else "warning",
        confidence=0.95 if gap is not None else 0.6, message=message,
        evidence={"output_shape": list(out_shape), "target_shape": list(y_shape),
                  **({"given_score": gap["given"], "copy_score": gap["copy"], "metric": gap["metric"]} if gap else {})},
        fix="Give the output and the target the same shape before subtracting, or use keras.losses.MeanSquaredError().",
        fix_code="loss = tf.reduce_mean(tf.square(yb - tf.squeeze(pred, axis=-1)))",
        confirmed_by=["recorded_run"] if gap is not None else [])
