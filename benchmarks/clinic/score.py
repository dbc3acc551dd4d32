"""Scoring: one honest number, and the tables that show where it comes from.

Per scenario (nndoctor):
- top-1: the primary cause is the ground truth (``healthy`` for a control);
- top-3: the ground truth is among the first three distinct causes of the error/warning findings
  (for a control, the same as top-1);
- false alarm (controls only): any error-severity finding.
A *refusal* (diagnose raised ValueError/TypeError) counts as correct only where the
argument contract covers it: STYLE.md says a bad argument gets a message naming it, what was
expected and what came, and `_validation.check_labels` refuses labels the output layer cannot
produce. So a refusal is a hit for ``label-encoding-mismatch`` / ``wrong-loss-for-task`` when its
message names that problem (`REFUSAL_NAMES_CAUSE`), and a miss everywhere else. Crashes are
misses. The strict figure (every refusal a miss) is reported beside it.

Peers (torch scenarios only): a hit when a failing or warning finding maps to the ground truth
(for a control: when nothing fails); a false alarm when a control gets a failing finding.
nndoctor's figure on exactly the same scenarios is given beside theirs.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict

from .peer_mapping import PEER_ACTIONABLE_LEVELS, PEER_ERROR_LEVELS, map_message

ACTIONABLE = ("error", "warning")
REFUSAL_NAMES_CAUSE = {
    "label-encoding-mismatch": r"labels? .*(can only produce classes|one-hot|output layer)",
    "wrong-loss-for-task": r"regression (loss|target)|integer class labels",
}
HURT_MARGIN = 0.05  # a fault "hurt" the user's model when it scores this far below the reference


def outcome(record: dict) -> dict:
    """The scored view of one scenario's record."""
    s = record["scenario"]
    truth = s["cause"]
    n = record.get("nndoctor") or {}
    status = "harness-error" if "harness_error" in record else n.get("status", "missing")
    ranked: list[str] = []
    for f in n.get("findings", []):
        if f["severity"] in ACTIONABLE and f["cause"] not in ranked:
            ranked.append(f["cause"])
    if status == "diagnosed":
        primary = n.get("primary_cause", "healthy")
        top1 = primary == truth
        top3 = top1 if truth == "healthy" else truth in ranked[:3]
    elif status == "refused":
        primary = "(refused)"
        pattern = REFUSAL_NAMES_CAUSE.get(truth)
        top1 = top3 = bool(pattern and re.search(pattern, n.get("error", ""), re.IGNORECASE))
    else:
        primary, top1, top3 = f"({status})", False, False
    errors = [f["cause"] for f in n.get("findings", []) if f["severity"] == "error"]
    user_metric, reference = (record.get("user") or {}).get("val_metric"), record.get("reference_metric")
    hurt = (user_metric is None or (reference is not None and user_metric < reference - HURT_MARGIN))
    seconds, plain = n.get("seconds"), record.get("plain_run_seconds")
    return {
        "id": record["id"], "cause": truth, "variant": s["variant"], "framework": s["framework"],
        "dataset": s["dataset"], "status": status, "primary": primary, "ranked": ranked,
        "top1": top1, "top3": top3, "strict_top1": top1 and status == "diagnosed",
        "named": top3 or truth in ranked,
        "false_alarm": truth == "healthy" and bool(errors), "error_causes": errors,
        "hurt": hurt if truth != "healthy" else None, "user_metric": user_metric, "reference": reference,
        "seconds": seconds if status in {"diagnosed", "refused"} else None,
        "ratio": seconds / plain if seconds and plain and status == "diagnosed" else None,
        "message": n.get("error") if status != "diagnosed" else None,
        # nndoctor skipped experiments because its wall-clock budget ran out (more likely on a
        # loaded machine, where fewer suspicions get confirmed)
        "budget_spent": any("time budget" in e for e in n.get("errors", [])),
    }


def peer_outcome(record: dict, peer: str) -> dict | None:
    """A peer's view of one torch scenario, or None when it did not run there."""
    result = (record.get("peers") or {}).get(peer)
    if not result or result.get("status") != "ran":
        return None
    truth = record["scenario"]["cause"]
    named, failing = [], False
    for f in result["findings"]:
        if f["status"] not in PEER_ACTIONABLE_LEVELS[peer]:
            continue
        failing |= f["status"] in PEER_ERROR_LEVELS[peer]
        for cause in map_message(peer, f["check"], f["status"], f["message"]):
            if cause not in named:
                named.append(cause)
    hit = not failing if truth == "healthy" else truth in named
    return {"hit": hit, "named": named, "false_alarm": truth == "healthy" and failing,
            "seconds": result.get("seconds")}


def _pct(k: int, n: int) -> float | None:
    return round(100.0 * k / n, 1) if n else None


def _quantile(values: list[float], q: float) -> float | None:
    values = sorted(v for v in values if v is not None and math.isfinite(v))
    if not values:
        return None
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def summarize(records: list[dict]) -> dict:
    """Headline figures, per-cause and per-variant rows, the confusion table and the peers."""
    rows = [outcome(r) for r in records]
    scored = [o for o in rows if o["status"] != "harness-error"]
    healthy = [o for o in scored if o["cause"] == "healthy"]
    seconds = [o["seconds"] for o in scored if o["seconds"] is not None]
    ratios = [o["ratio"] for o in scored if o["ratio"] is not None]
    headline = {
        "scenarios": len(scored), "healthy_controls": len(healthy),
        "harness_errors": len(rows) - len(scored),
        "top1": _pct(sum(o["top1"] for o in scored), len(scored)),
        "top3": _pct(sum(o["top3"] for o in scored), len(scored)),
        "strict_top1": _pct(sum(o["strict_top1"] for o in scored), len(scored)),
        "false_alarms": _pct(sum(o["false_alarm"] for o in healthy), len(healthy)),
        "refused": sum(o["status"] == "refused" for o in scored),
        "crashed": sum(o["status"] == "crashed" for o in scored),
        "budget_spent": sum(o["budget_spent"] for o in scored),
        "median_seconds": _round(_quantile(seconds, 0.5)), "p90_seconds": _round(_quantile(seconds, 0.9)),
        "median_ratio": _round(_quantile(ratios, 0.5)), "p90_ratio": _round(_quantile(ratios, 0.9)),
        # a healthy model needs no confirming control and no fix verification (3 more runs)
        "median_ratio_healthy": _round(_quantile([o["ratio"] for o in healthy if o["ratio"] is not None], 0.5)),
        "median_ratio_faulty": _round(_quantile([o["ratio"] for o in scored if o["ratio"] is not None
                                                 and o["cause"] != "healthy"], 0.5)),
    }
    per_cause = []
    for cause in sorted({o["cause"] for o in scored}, key=lambda c: (c != "healthy", c)):
        group = [o for o in scored if o["cause"] == cause]
        per_cause.append({
            "cause": cause, "n": len(group),
            "frameworks": dict(Counter(o["framework"] for o in group)),
            "top1": sum(o["top1"] for o in group), "top3": sum(o["top3"] for o in group),
            "refused": sum(o["status"] == "refused" for o in group),
            "crashed": sum(o["status"] == "crashed" for o in group),
            "hurt": sum(bool(o["hurt"]) for o in group) if cause != "healthy" else None,
            "false_alarms": sum(o["false_alarm"] for o in group) if cause == "healthy" else None,
            "named_instead": dict(Counter(o["primary"] for o in group if not o["top1"]).most_common(4)),
        })
    per_variant = []
    for key in sorted({(o["variant"], o["framework"]) for o in scored}):
        group = [o for o in scored if (o["variant"], o["framework"]) == key]
        per_variant.append({"variant": key[0], "framework": key[1], "n": len(group),
                            "top1": sum(o["top1"] for o in group), "top3": sum(o["top3"] for o in group),
                            "answers": [o["primary"] for o in group],
                            "datasets": [o["dataset"] for o in group]})
    confusion = defaultdict(Counter)
    for o in scored:
        confusion[o["cause"]][o["primary"]] += 1
    return {"headline": headline, "per_cause": per_cause, "per_variant": per_variant,
            "confusion": {k: dict(v) for k, v in sorted(confusion.items())},
            "peers": summarize_peers(records), "rows": rows}


def summarize_peers(records: list[dict]) -> dict:
    """Hit rates and false alarms of each peer and of nndoctor on the same torch scenarios."""
    torch_records = [r for r in records if r["scenario"]["framework"] == "torch" and "harness_error" not in r]
    out = {}
    for peer in ("torchtest2", "torch-audit"):
        pairs = [(r, peer_outcome(r, peer)) for r in torch_records]
        ran = [(r, p) for r, p in pairs if p is not None]
        statuses = Counter(((r.get("peers") or {}).get(peer) or {}).get("status", "not-run") for r in torch_records)
        if not ran:
            out[peer] = {"ran": 0, "statuses": dict(statuses)}
            continue
        ours = [outcome(r) for r, _ in ran]
        faults = [(o, p) for o, (_, p) in zip(ours, ran) if o["cause"] != "healthy"]
        controls = [(o, p) for o, (_, p) in zip(ours, ran) if o["cause"] == "healthy"]
        by_cause = defaultdict(lambda: [0, 0, 0])
        for o, p in faults:
            by_cause[o["cause"]][0] += 1
            by_cause[o["cause"]][1] += p["hit"]
            by_cause[o["cause"]][2] += o["named"]
        out[peer] = {
            "ran": len(ran), "statuses": dict(statuses),
            "faults": len(faults), "controls": len(controls),
            "hit_rate": _pct(sum(p["hit"] for _, p in faults), len(faults)),
            "false_alarms": _pct(sum(p["false_alarm"] for _, p in controls), len(controls)),
            "causes_named_per_fault": _round(statistics.mean(len(p["named"]) for _, p in faults)) if faults else None,
            "median_seconds": _round(_quantile([p["seconds"] for _, p in ran], 0.5)),
            "nndoctor_named_rate": _pct(sum(o["named"] for o, _ in faults), len(faults)),
            "nndoctor_top1": _pct(sum(o["top1"] for o, _ in faults), len(faults)),
            "nndoctor_false_alarms": _pct(sum(o["false_alarm"] for o, _ in controls), len(controls)),
            "by_cause": {c: {"n": v[0], "peer_hits": v[1], "nndoctor_named": v[2]} for c, v in sorted(by_cause.items())},
        }
    return out


def _round(value, digits=2):
    return None if value is None else round(value, digits)


def last_line(summary: dict) -> str:
    h = summary["headline"]

    def fmt(v, suffix="%"):
        return "n/a" if v is None else f"{v:g}{suffix}"
    return (f"clinic: top1 {fmt(h['top1'])} top3 {fmt(h['top3'])} false-alarms {fmt(h['false_alarms'])} "
            f"median-ratio {fmt(h['median_ratio'], '')}")
