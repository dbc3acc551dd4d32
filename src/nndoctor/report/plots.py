"""Plots for the HTML report, each returned as a base64 PNG string (None when its data is missing).

Figures are built as `matplotlib.figure.Figure` objects, never through pyplot, so rendering a
report touches no global figure state and needs no display (PNG output goes through Agg).
Sizes are small (about 5x3 in at 90 dpi, 20-40 kB each) so a page with ten diagnoses stays under
a few MB. Any value may be None (JSON's NaN); those become gaps in curves.
"""

from __future__ import annotations

import base64
import io
import math
from typing import Any

import matplotlib
from matplotlib.figure import Figure

DPI = 90
SIZE = (5.0, 3.0)
STYLE = {"font.size": 7.5, "axes.titlesize": 8.5, "axes.labelsize": 7.5, "legend.fontsize": 6.5,
         "xtick.labelsize": 6.5, "ytick.labelsize": 6.5, "axes.spines.top": False}
LOSS_COLOR, LR_COLOR, BAD_COLOR = "#1f77b4", "#ff7f0e", "#d62728"


def _floats(values: Any) -> list[float]:
    """A list of floats with NaN for None/non-numbers/non-finite, so matplotlib draws gaps."""
    if not isinstance(values, (list, tuple)):
        return []
    out = []
    for v in values:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        out.append(float(v) if ok else math.nan)
    return out


def _has_finite(values: list[float]) -> bool:
    return any(math.isfinite(v) for v in values)


def _wants_log(values: list[float]) -> bool:
    # A loss falling over several decades is flat on a linear axis after the first steps.
    finite = [v for v in values if math.isfinite(v)]
    return bool(finite) and min(finite) > 0 and max(finite) / min(finite) > 100


def _first_nonfinite(values: list[float]) -> int | None:
    for i, v in enumerate(values):
        if not math.isfinite(v):
            return i
    return None


def _stride(run: dict) -> int:
    s = run.get("step_stride")
    return s if isinstance(s, int) and s > 0 else 1


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(ncols: int = 1, twin: bool = False) -> tuple[Figure, list]:
    # Fixed margins instead of constrained layout: it halves the time per plot (a 10-diagnosis
    # report draws ~40), and these small figures have predictable labels. `twin` leaves room on
    # the right for a second y axis.
    fig = Figure(figsize=SIZE, dpi=DPI)
    fig.subplots_adjust(left=0.12, right=0.87 if twin else 0.97, bottom=0.14, top=0.9, wspace=0.3)
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, list(axes)


def loss_curve(run: dict | None) -> str | None:
    """Batch loss per step with the learning rate on a twin axis; marks where loss became NaN/inf."""
    if not isinstance(run, dict):
        return None
    loss = _floats(run.get("loss"))
    if not loss:
        return None
    stride = _stride(run)
    steps = [i * stride for i in range(len(loss))]
    lr = _floats(run.get("lr"))
    with matplotlib.rc_context(STYLE):
        fig, (ax,) = _figure(twin=_has_finite(lr))
        ax.plot(steps, loss, color=LOSS_COLOR, lw=1, label="loss")
        if _wants_log(loss):
            ax.set_yscale("log")
        bad = _first_nonfinite(loss)
        if bad is not None:
            # The step where training blew up is the single most telling point of the run.
            ax.axvline(steps[bad], color=BAD_COLOR, ls="--", lw=1,
                       label=f"loss non-finite from step {steps[bad]}")
        if not _has_finite(loss):
            ax.set_xlim(0, max(steps[-1], 1))
            ax.set_ylim(0, 1)
            ax.text(0.5, 0.5, "no finite loss value", transform=ax.transAxes, ha="center", color=BAD_COLOR)
        ax.set_xlabel("step")
        ax.set_ylabel("loss", color=LOSS_COLOR)
        ax.set_title("Training loss per step")
        handles, labels = ax.get_legend_handles_labels()
        if _has_finite(lr):
            ax2 = ax.twinx()
            ax2.plot([i * stride for i in range(len(lr))], lr, color=LR_COLOR, lw=1, alpha=0.8, label="lr")
            if _wants_log(lr):
                ax2.set_yscale("log")
            ax2.set_ylabel("learning rate", color=LR_COLOR)
            h2, l2 = ax2.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        ax.legend(handles, labels, loc="best")
        return _png(fig)


def epoch_curves(run: dict | None, metric_name: str = "metric") -> str | None:
    """Train/validation loss (left) and metric (right) at each evaluated epoch."""
    if not isinstance(run, dict):
        return None
    panels = []
    for title, keys in (("loss", ("train_loss", "val_loss")), (metric_name, ("train_metric", "val_metric"))):
        series = [(k.split("_")[0], _floats(run.get(k))) for k in keys]
        series = [(label, ys) for label, ys in series if _has_finite(ys)]
        if series:
            panels.append((title, series))
    if not panels:
        return None
    epochs = run.get("eval_epochs") if isinstance(run.get("eval_epochs"), list) else []
    with matplotlib.rc_context(STYLE):
        fig, axes = _figure(len(panels))
        for ax, (title, series) in zip(axes, panels):
            for label, ys in series:
                # Fall back to the evaluation index when epochs are missing or do not line up.
                xs = epochs if len(epochs) == len(ys) else list(range(len(ys)))
                ax.plot(xs, ys, marker="o", ms=2, lw=1, label=label)
            if title == "loss" and _wants_log([v for _, ys in series for v in ys]):
                ax.set_yscale("log")
            ax.set_xlabel("epoch")
            ax.set_title(f"{title} per evaluated epoch")
            ax.legend(loc="best")
        return _png(fig)


def _counts(values: Any) -> list[float]:
    return [v if math.isfinite(v) else 0.0 for v in _floats(values)]


def class_histogram(true_counts: Any, predicted: Any, retrained: Any = None) -> str | None:
    """Predicted class counts next to the true class counts of the same (validation) data.

    A model giving "random" predictions often predicts one class for everything; the bars show
    that at a glance. ``retrained`` is the histogram of nndoctor's own retrained copy, if any.
    """
    groups = [("true", "#999999", _counts(true_counts)), ("predicted", LOSS_COLOR, _counts(predicted)),
              ("predicted after retraining", "#2ca02c", _counts(retrained))]
    groups = [(label, color, c) for label, color, c in groups if c]
    if not any(label.startswith("predicted") for label, _, _ in groups):
        return None
    n = max(len(c) for _, _, c in groups)
    width = 0.8 / len(groups)
    with matplotlib.rc_context(STYLE):
        fig, (ax,) = _figure()
        for j, (label, color, c) in enumerate(groups):
            offset = (j - (len(groups) - 1) / 2) * width
            ax.bar([i + offset for i in range(len(c))], c, width=width, color=color, label=label)
        if n <= 20:
            ax.set_xticks(range(n))
        ax.set_xlabel("class")
        ax.set_ylabel("count")
        ax.set_title("Predicted vs true classes (validation)")
        ax.legend(loc="best")
        return _png(fig)


def confusion_matrix(cm: Any, title: str = "Confusion matrix") -> str | None:
    """Confusion matrix (rows true, columns predicted), coloured by row share, counts annotated."""
    if not isinstance(cm, (list, tuple)) or not cm or not all(isinstance(r, (list, tuple)) for r in cm):
        return None
    n = max(len(r) for r in cm)
    if n == 0:
        return None
    rows = [_floats(list(r) + [None] * (n - len(r))) for r in cm]
    # Row shares rather than raw counts: with imbalanced classes, counts hide a class that is never
    # predicted correctly.
    shares = []
    for r in rows:
        total = sum(v for v in r if math.isfinite(v))
        shares.append([v / total if total > 0 and math.isfinite(v) else math.nan for v in r])
    with matplotlib.rc_context(STYLE):
        side = min(3.2, 1.6 + 0.25 * n)
        fig = Figure(figsize=(side + 0.8, side), dpi=DPI, layout="constrained")
        ax = fig.subplots()
        im = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
        if n <= 12:
            for i, r in enumerate(rows):
                for j, v in enumerate(r):
                    text = f"{v:.0f}" if math.isfinite(v) else "–"
                    dark = math.isfinite(shares[i][j]) and shares[i][j] > 0.6
                    ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black")
            ax.set_xticks(range(n))
            ax.set_yticks(range(len(rows)))
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(title)
        fig.colorbar(im, ax=ax, shrink=0.8, label="share of true class")
        return _png(fig)


def control_comparison(run: dict | None, controls: Any) -> str | None:
    """Loss curves of the recorded run and each control run (e.g. "lr/10") overlaid."""
    curves = []
    if isinstance(run, dict):
        curves.append(("main run", run))
    if isinstance(controls, dict):
        curves.extend((str(name), c) for name, c in controls.items() if isinstance(c, dict))
    curves = [(name, _floats(c.get("loss")), _stride(c), c.get("lr_used")) for name, c in curves]
    curves = [c for c in curves if c[1]]
    # Without at least one control there is nothing to compare; the loss plot already shows the run.
    if not any(name != "main run" for name, *_ in curves):
        return None
    all_values = [v for _, ys, _, _ in curves for v in ys]
    with matplotlib.rc_context(STYLE):
        fig, (ax,) = _figure()
        for name, ys, stride, lr in curves:
            xs = [i * stride for i in range(len(ys))]
            label = f"{name} (lr={lr:g})" if isinstance(lr, (int, float)) and math.isfinite(lr) else name
            (line,) = ax.plot(xs, ys, lw=1, label=label)
            bad = _first_nonfinite(ys)
            finite_before = [v for v in ys[:bad] if math.isfinite(v)] if bad is not None else []
            if bad is not None and finite_before:
                # An "x" at the last finite value: this run blew up here.
                ax.plot([xs[bad]], [finite_before[-1]], "x", color=line.get_color(), ms=6)
        if _wants_log(all_values):
            ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        ax.set_title("Recorded run vs control runs (x: loss became non-finite)")
        ax.legend(loc="best")
        return _png(fig)


def _positive(value: Any) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
    return float(value) if ok else None


def lr_range(result: Any, user_lr: Any = None) -> str | None:
    """The LR range test: smoothed loss (raw batch loss faint) against the learning rate on a
    log axis, with the suggested LR, the user's LR and the divergence point marked."""
    if not isinstance(result, dict):
        return None
    lrs = _floats(result.get("lrs"))
    smoothed, raw = _floats(result.get("smoothed")), _floats(result.get("losses"))
    points = [(x, y) for x, y in zip(lrs, smoothed) if math.isfinite(x) and x > 0 and math.isfinite(y)]
    if len(points) < 2:
        return None
    xs, ys = zip(*points)
    suggested = _positive(result.get("suggested_lr"))
    user_lr = _positive(result.get("user_lr")) or _positive(user_lr)
    diverged = _positive(result.get("diverged_at"))
    with matplotlib.rc_context(STYLE):
        fig, (ax,) = _figure()
        raw_points = [(x, y) for x, y in zip(lrs, raw) if math.isfinite(x) and x > 0 and math.isfinite(y)]
        if raw_points:
            ax.plot(*zip(*raw_points), color=LOSS_COLOR, lw=0.6, alpha=0.25, label="batch loss")
        ax.plot(xs, ys, color=LOSS_COLOR, lw=1.3, label="smoothed loss")
        ax.set_xscale("log")
        # the loss explodes at the end of the sweep: scale the axis to the curve up to its minimum
        low = min(ys)
        high = max(ys[:ys.index(low) + 1]) if ys.index(low) > 0 else max(ys)
        high = high + 0.25 * (high - low)
        pad = 0.08 * (high - low) if high > low else max(abs(high), 1.0) * 0.1
        ax.set_ylim(low - pad, high + pad)
        rule = result.get("rule") if isinstance(result.get("rule"), str) else "suggested"
        if suggested:
            ax.axvline(suggested, color="#2ca02c", lw=1.2, label=f"suggested ({rule}): {suggested:.2g}")
        if user_lr:
            ax.axvline(user_lr, color=BAD_COLOR, ls="--", lw=1, label=f"your lr: {user_lr:.2g}")
        if diverged:
            ax.axvline(diverged, color="#777777", ls=":", lw=1, label=f"diverged at {diverged:.2g}")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("loss")
        ax.set_title("LR range test (one sweep from your starting weights)")
        ax.legend(loc="best")
        return _png(fig)


def learning_curve(result: Any) -> str | None:
    """Validation score against the number of training samples: each seed as a dot, the mean
    as a line, the gain per doubling of the data in the title."""
    if not isinstance(result, dict):
        return None
    sizes = _floats(result.get("n_train"))
    per_size = result.get("val_scores") if isinstance(result.get("val_scores"), (list, tuple)) else []
    means = _floats(result.get("mean"))
    dots = [(n, v) for n, vals in zip(sizes, per_size) if math.isfinite(n) and n > 0
            for v in _floats(vals) if math.isfinite(v)]
    line = [(n, m) for n, m in zip(sizes, means) if math.isfinite(n) and n > 0 and math.isfinite(m)]
    if not dots and not line:
        return None
    metric = result.get("metric") if isinstance(result.get("metric"), str) else "validation score"
    gain = result.get("gain_per_doubling")
    with matplotlib.rc_context(STYLE):
        fig, (ax,) = _figure()
        if dots:
            ax.plot(*zip(*dots), "o", color=LOSS_COLOR, ms=3, alpha=0.5, label="one seed")
        if line:
            ax.plot(*zip(*line), "-o", color=LOSS_COLOR, ms=4, lw=1.3, label="mean")
        ax.set_xscale("log", base=2)
        ns = sorted({n for n, _ in dots + line})
        ax.set_xticks(ns, [f"{n:.0f}" for n in ns])
        ax.minorticks_off()
        ax.set_xlabel("training samples")
        ax.set_ylabel(metric)
        title = "Learning curve"
        if isinstance(gain, (int, float)) and not isinstance(gain, bool) and math.isfinite(gain):
            title += f": {gain:+.3f} {metric} per doubling of the data"
        ax.set_title(title)
        ax.legend(loc="best")
        return _png(fig)


def fix_before_after(verified: Any) -> str | None:
    """The fix's effect: the metric before and after (the median of the seeds), 95% intervals
    as error bars and every seed as a dot."""
    if not isinstance(verified, dict):
        return None
    before, after = _floats([verified.get("before"), verified.get("after")])
    if not (math.isfinite(before) or math.isfinite(after)):
        return None
    seeds = [v for v in _floats(verified.get("after_per_seed")) if math.isfinite(v)]
    metric = verified.get("metric") if isinstance(verified.get("metric"), str) else "metric"
    fix = verified.get("fix") if isinstance(verified.get("fix"), str) else None
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(3.2, 2.6), dpi=DPI)
        fig.subplots_adjust(left=0.2, right=0.95, bottom=0.14, top=0.86)
        ax = fig.subplots()
        if metric.endswith("accuracy"):
            bottom, top = 0.0, 1.08
        else:  # an R^2 of -1e6 would flatten everything else: bars are cut at -1, labels are not
            finite = [v for v in (before, after, *seeds) if math.isfinite(v)]
            bottom, top = max(min(finite + [0.0]) - 0.1, -1.05), max(max(finite + [0.0]) + 0.12, 0.2)
        ax.set_ylim(bottom, top)
        for x, value, ci, color in ((0, before, verified.get("before_ci95"), "#999999"),
                                    (1, after, verified.get("after_ci95"), "#2ca02c")):
            if not math.isfinite(value):
                ax.text(x, max(bottom, 0.0), "n/a", ha="center", va="bottom", color=BAD_COLOR)
                continue
            ax.bar(x, value, width=0.6, color=color)
            lo, hi = (_floats(ci) + [math.nan, math.nan])[:2] if isinstance(ci, (list, tuple)) else (math.nan,) * 2
            if math.isfinite(lo) and math.isfinite(hi):
                ax.errorbar(x, value, yerr=[[max(value - lo, 0)], [max(hi - value, 0)]], color="black",
                            capsize=4, lw=1)
            label_at = hi if math.isfinite(hi) and hi > value else value
            ax.text(x, min(max(label_at, bottom), top), f"{value:.3g}", ha="center", va="bottom", fontsize=7)
        if seeds:
            ax.plot([1.4] * len(seeds), seeds, "o", color="black", ms=2.5, label="each seed")
            ax.legend(loc="lower right")
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xticks([0, 1], ["before", "after the fix"])
        ax.set_xlim(-0.6, 1.6)
        ax.set_ylabel(metric)
        ax.set_title("Fix verified" + (f": {fix}" if fix else ""))
        return _png(fig)


def _experiment(d: dict, name: str) -> Any:
    """The result of the last experiment entry called ``name``."""
    entries = d.get("experiments") if isinstance(d.get("experiments"), list) else []
    found = [e.get("result") for e in entries if isinstance(e, dict) and e.get("name") == name]
    return found[-1] if found else None


def _get(d: Any, *keys: str) -> Any:
    """``d[k1][k2]...`` or None when any level is missing or not a dict."""
    for k in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
    return d


def plots_for(d: dict) -> list[dict[str, str | None]]:
    """Every plot a diagnosis dict has data for, in report order.

    Each entry is ``{"title", "png" (base64), "error"}``. A plot that fails to draw gives an
    entry with ``error`` set instead of breaking the whole report.
    """
    details = d.get("details") if isinstance(d.get("details"), dict) else {}
    run = details.get("run")
    given = _get(details, "predictions", "given")
    retrained = _get(details, "predictions", "after_training")
    kind = _get(d, "task", "kind")
    metric_name = "R²" if kind == "regression" else "accuracy" if kind == "classification" else "metric"
    # The user's own model is what gives the random predictions; nndoctor's retrained copy is
    # the fallback when the given model was not scored.
    cm, cm_of = _get(given, "confusion_matrix"), "given model"
    if not cm:
        cm, cm_of = _get(retrained, "confusion_matrix"), "after retraining"
    candidates = [
        ("Training loss", lambda: loss_curve(run)),
        ("Loss and metric per epoch", lambda: epoch_curves(run, metric_name)),
        ("Predicted vs true classes", lambda: class_histogram(
            _get(details, "data", "validation", "class_counts"),
            _get(given, "predicted_histogram"), _get(retrained, "predicted_histogram"))),
        ("Confusion matrix", lambda: confusion_matrix(cm, f"Confusion matrix ({cm_of})")),
        ("Control runs", lambda: control_comparison(run, details.get("controls"))),
        ("LR range test", lambda: lr_range(_experiment(d, "lr_range_test"), _get(run, "lr_used"))),
        ("Learning curve", lambda: learning_curve(_experiment(d, "learning_curve"))),
    ]
    out = []
    for title, make in candidates:
        try:
            png = make()
        except Exception as exc:  # a report without one plot beats no report
            out.append({"title": title, "png": None, "error": f"{type(exc).__name__}: {exc}"})
            continue
        if png:
            out.append({"title": title, "png": png, "error": None})
    return out
