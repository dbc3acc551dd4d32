"""HTML report: one self-contained page (inline CSS, plots as data: URIs, no JS, no external assets).

The diagnosis dicts are turned into plain, pre-formatted "view" dicts here so the jinja template
only lays text out; all user-derived text is escaped by jinja's autoescape.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader

from . import _format as f
from .plots import fix_before_after, plots_for


@lru_cache(maxsize=1)
def _template():
    env = Environment(loader=PackageLoader("nndoctor", "report/templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html")


def render_html(diagnoses: list[dict], title: str = "nndoctor report") -> str:
    """A full HTML page: a summary table linking to one section per diagnosis."""
    views = [_view(d, f"diagnosis-{i}") for i, d in enumerate(diagnoses, 1)]
    counts = Counter(v["verdict"] for v in views)
    page = _template().render(fragment=False, title=title, diagnoses=views,
                              verdict_counts=sorted(counts.items()))
    return page.strip() + "\n"


def render_fragment(d: dict) -> str:
    """One diagnosis as an HTML fragment (no <html> wrapper), e.g. for Jupyter's `_repr_html_`."""
    return _template().render(fragment=True, diagnoses=[_view(d, None)]).strip()


def _view(d: dict, anchor: str | None) -> dict[str, Any]:
    """Everything the template shows for one diagnosis, as display strings."""
    d = d if isinstance(d, dict) else {}
    details = d.get("details")
    metrics = d.get("metrics") or {}
    verdict = d.get("verdict") if d.get("verdict") in ("healthy", "problems-found", "inconclusive") else "unknown"
    cause = d.get("primary_cause")
    return {
        "anchor": anchor,
        "title": f.title(d),
        "framework": (d.get("task") or {}).get("framework") or f.MISSING,
        "verdict": verdict,
        "verdict_label": f.verdict_label(d.get("verdict")),
        "primary_cause": cause or f.MISSING,
        "cause_text": f.cause_text(cause) if cause != "healthy" else "",
        "task_line": f.task_line(d),
        "seconds": f.seconds(d.get("seconds")),
        "version": d.get("nndoctor_version") or "",
        "model_line": f.model_line(details),
        "data_line": f.data_line(details),
        "key_metric": f.key_metric(d),
        "accuracy": [_accuracy_row(name, m) for name, m in f.accuracy_metrics(metrics)],
        "scalars": [(name, f.num(v)) for name, v in f.scalar_metrics(metrics)],
        "findings": [_finding(fd) for fd in d.get("findings") or [] if isinstance(fd, dict)],
        "plots": plots_for(d),
        "ruled_out": [(r.get("cause") or f.MISSING, r.get("why") or "")
                      for r in d.get("ruled_out") or [] if isinstance(r, dict)],
        "errors": [(e.get("where") or "unknown", e.get("error") or "no message")
                   for e in d.get("errors") or [] if isinstance(e, dict)],
        "experiments": [(e.get("name") or f.MISSING, f.seconds(e.get("seconds")), f.result_summary(e.get("result")))
                        for e in d.get("experiments") or [] if isinstance(e, dict)],
    }


def _beats(flag: Any, p: Any) -> tuple[str, str]:
    """(text, css class) for "is this accuracy better than chance/majority?"."""
    if flag is None:
        return "untested", "nd-warn"
    return (f"yes (p={f.pval(p)})", "nd-good") if flag else (f"NO (p={f.pval(p)})", "nd-bad")


def _accuracy_row(name: str, m: dict) -> dict[str, Any]:
    return {
        "name": name, "value": f.num(m.get("value")), "ci": f.ci(m.get("ci95")),
        "counts": f"{m.get('correct')}/{m.get('n')}" if m.get("n") is not None else f.MISSING,
        "chance": f.num(m.get("chance")), "majority": f.num(m.get("majority")),
        "beats_chance": _beats(m.get("better_than_chance"), m.get("p_vs_chance")),
        "beats_majority": _beats(m.get("better_than_majority"), m.get("p_vs_majority")),
    }


def _finding(fd: dict) -> dict[str, Any]:
    severity = fd.get("severity") if fd.get("severity") in ("error", "warning", "info") else "info"
    conf = fd.get("confidence")
    evidence = fd.get("evidence") if isinstance(fd.get("evidence"), dict) else {}
    verified = fd.get("verified") if isinstance(fd.get("verified"), dict) else None
    return {
        "severity": severity, "cause": fd.get("cause") or f.MISSING, "cause_text": f.cause_text(fd.get("cause")),
        "rule": fd.get("rule") or "", "confidence": f"{conf:.0%}" if f.is_num(conf) else f.MISSING,
        "message": fd.get("message") or "", "fix": fd.get("fix") or "", "fix_code": fd.get("fix_code") or "",
        "evidence": [(str(k), f.compact(v)) for k, v in evidence.items()],
        "confirmed_by": ", ".join(map(str, fd.get("confirmed_by") or [])),
        "verified": None if verified is None else {
            "metric": verified.get("metric") or "metric",
            "before": f.num(verified.get("before")), "after": f.num(verified.get("after")),
            "before_ci": f.ci(verified["before_ci95"]) if verified.get("before_ci95") else "",
            "after_ci": f.ci(verified["after_ci95"]) if verified.get("after_ci95") else "",
            "plot": _plot(lambda: fix_before_after(verified)),
        },
    }


def _plot(make) -> dict[str, str | None] | None:
    """``{"png", "error"}`` for one plot, None when it has no data; a failure is shown, not raised."""
    try:
        png = make()
    except Exception as exc:  # a report without one plot beats no report
        return {"png": None, "error": f"{type(exc).__name__}: {exc}"}
    return {"png": png, "error": None} if png else None
