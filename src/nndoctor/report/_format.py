"""Number and label formatting shared by the terminal and HTML reports.

Both reports read the same `Diagnosis.to_dict()` and must say the same thing in the same words,
so the wording of metrics, intervals and p-values lives here once. Every helper accepts None
(the JSON form of NaN) and anything else a hand-edited dict may hold, and never raises.
"""

from __future__ import annotations

import math
from typing import Any

from ..causes import CAUSES

MISSING = "—"

VERDICT_LABELS = {"healthy": "HEALTHY", "problems-found": "PROBLEMS FOUND", "inconclusive": "INCONCLUSIVE"}


def is_num(x: Any) -> bool:
    """A finite real number (bools are flags, not numbers)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def num(x: Any, digits: int = 3) -> str:
    """Fixed decimals for values near unit scale, general format for very large/small ones."""
    if not is_num(x):
        return MISSING if x is None else str(x)
    if isinstance(x, int):
        return str(x)
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 10 ** -digits):
        return f"{x:.{digits}g}"
    return f"{x:.{digits}f}"


def pval(p: Any) -> str:
    # Tiny p-values are what "clearly better than chance" looks like; show their magnitude
    # rather than a row of zeros.
    if not is_num(p):
        return MISSING
    return f"{p:.1e}" if p < 1e-3 else f"{p:.3f}"


def ci(interval: Any, digits: int = 3) -> str:
    if not isinstance(interval, (list, tuple)) or len(interval) != 2:
        return MISSING
    return f"[{num(interval[0], digits)}, {num(interval[1], digits)}]"


def seconds(s: Any) -> str:
    return f"{s:.1f} s" if is_num(s) else MISSING


def cause_text(cause: Any) -> str:
    """The taxonomy's one-line explanation of a cause id, or '' for unknown ids."""
    return CAUSES.get(cause, "") if isinstance(cause, str) else ""


def verdict_label(verdict: Any) -> str:
    return VERDICT_LABELS.get(verdict, str(verdict or "unknown").upper())


def title(d: dict) -> str:
    """What the diagnosis is about: the scenario name, else framework and task."""
    if d.get("scenario"):
        return str(d["scenario"])
    task = d.get("task") or {}
    parts = [task.get("framework"), task.get("kind")]
    return " ".join(str(p) for p in parts if p) or "diagnosis"


def task_line(d: dict) -> str:
    task = d.get("task") or {}
    kind = task.get("kind") or "unknown task"
    if task.get("n_classes"):
        kind = f"{kind} ({task['n_classes']} classes)"
    return f"{kind} · {task.get('framework') or 'unknown framework'}"


def accuracy_metrics(metrics: Any) -> list[tuple[str, dict]]:
    """Accuracy-like metrics (dicts with an interval), validation first."""
    if not isinstance(metrics, dict):
        return []
    items = [(k, v) for k, v in metrics.items() if isinstance(v, dict)]
    return sorted(items, key=lambda kv: (not kv[0].startswith("val"), kv[0]))


def scalar_metrics(metrics: Any) -> list[tuple[str, Any]]:
    if not isinstance(metrics, dict):
        return []
    return [(k, v) for k, v in metrics.items() if not isinstance(v, dict)]


def metric_text(name: str, m: Any) -> str:
    """One metric in one line: ``val_accuracy 0.975 [0.870, 0.996] (39/40)``."""
    if isinstance(m, dict):
        text = f"{name} {num(m.get('value'))} {ci(m.get('ci95'))}"
        if is_num(m.get("correct")) and is_num(m.get("n")):
            text += f" ({m['correct']}/{m['n']})"
        return text
    return f"{name} {num(m)}"


# Regression has no interval; R^2 says "better than predicting the mean" the way accuracy
# vs chance does for classification, so it is the headline number.
_KEY_SCALARS = ("val_r2", "r2", "val_rmse", "val_loss")


def key_metric(d: dict) -> str:
    """The headline number of a diagnosis for the summary table."""
    metrics = d.get("metrics") or {}
    acc = accuracy_metrics(metrics)
    if acc:
        return metric_text(*acc[0])
    for name in _KEY_SCALARS:
        if name in metrics:
            return metric_text(name, metrics[name])
    scalars = scalar_metrics(metrics)
    return metric_text(*scalars[0]) if scalars else MISSING


def chance_text(m: dict) -> str:
    """Whether an accuracy beats chance and the majority class, in words with p-values."""
    def one(flag: Any, p: Any, against: str) -> str:
        if flag is None:
            return f"vs {against}: untested"
        word = "better than" if flag else "NOT better than"
        return f"{word} {against} (p={pval(p)})"

    return "; ".join([one(m.get("better_than_chance"), m.get("p_vs_chance"), "chance"),
                      one(m.get("better_than_majority"), m.get("p_vs_majority"), "majority")])


def verified_text(v: Any) -> str:
    """``val_accuracy 0.500 → 0.970 [0.870, 0.996]`` for a fix that was retrained and checked."""
    if not isinstance(v, dict):
        return ""
    text = f"{v.get('metric') or 'metric'} {num(v.get('before'))} → {num(v.get('after'))}"
    if v.get("after_ci95"):
        text += f" {ci(v.get('after_ci95'))}"
    return text


def compact(value: Any, max_items: int = 8, depth: int = 0) -> str:
    """An evidence value in a few characters: long lists are cut, nested dicts flattened."""
    if value is None:
        return MISSING
    if isinstance(value, float):
        # Evidence mixes 0.36, 350.0 and 1e-7; 4 significant digits suit all of them.
        return f"{value:.4g}" if math.isfinite(value) else MISSING
    if isinstance(value, (list, tuple)):
        if depth > 1:
            return f"[{len(value)} items]"
        shown = ", ".join(compact(v, max_items, depth + 1) for v in value[:max_items])
        more = f", … ({len(value)} items)" if len(value) > max_items else ""
        return f"[{shown}{more}]"
    if isinstance(value, dict):
        if depth > 1:
            return f"{{{len(value)} keys}}"
        items = list(value.items())
        shown = ", ".join(f"{k}={compact(v, max_items, depth + 1)}" for k, v in items[:max_items])
        more = f", … ({len(items)} keys)" if len(items) > max_items else ""
        return f"{{{shown}{more}}}"
    return str(value)


def model_line(details: Any) -> str:
    """``3 layers, 52 params, output softmax, loss ..., Adam lr=0.001`` from details.model."""
    model = (details or {}).get("model") if isinstance(details, dict) else None
    if not isinstance(model, dict):
        return ""
    parts = []
    if isinstance(model.get("layers"), list):
        n = len(model["layers"])
        parts.append(f"{n} layer{'' if n == 1 else 's'}")
    if model.get("n_params") is not None:
        parts.append(f"{model['n_params']} params")
    if model.get("output_units") is not None or model.get("output_activation"):
        parts.append(f"output {model.get('output_units', '?')}×{model.get('output_activation') or 'linear'}")
    if model.get("loss"):
        logits = " (from logits)" if model.get("loss_from_logits") else ""
        parts.append(f"loss {model['loss']}{logits}")
    if model.get("optimizer"):
        lr = f" lr={model['lr']:g}" if is_num(model.get("lr")) else ""
        parts.append(f"{model['optimizer']}{lr}")
    return ", ".join(parts)


def data_line(details: Any) -> str:
    """``train n=160, validation n=40 (given)`` from details.data."""
    data = (details or {}).get("data") if isinstance(details, dict) else None
    if not isinstance(data, dict):
        return ""
    parts = []
    for split in ("train", "validation"):
        info = data.get(split)
        if isinstance(info, dict) and info.get("n") is not None:
            parts.append(f"{split} n={info['n']}")
    if parts and data.get("validation_source"):
        parts[-1] += f" ({data['validation_source']})"
    return ", ".join(parts)


def result_summary(result: Any, max_items: int = 3) -> str:
    """The first few scalar entries of an experiment's result, for a one-line table cell."""
    if not isinstance(result, dict):
        return "" if result is None else compact(result)
    scalars = [(k, v) for k, v in result.items() if v is None or isinstance(v, (int, float, str, bool))]
    return ", ".join(f"{k}={compact(v)}" for k, v in scalars[:max_items])
