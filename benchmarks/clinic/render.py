"""The clinic's tables as Markdown: printed at the end of a run and written into docs/benchmark.md."""

from __future__ import annotations

import re
from pathlib import Path


def _cell(value, suffix="") -> str:
    return "–" if value is None else f"{value:g}{suffix}" if isinstance(value, (int, float)) else str(value)


def markdown(result: dict) -> str:
    """The generated section: headline, per cause, peers, per variant, exclusions."""
    meta, summary = result["meta"], result["summary"]
    h = summary["headline"]
    lines = [
        f"**{meta['mode']} clinic**, {meta['date']} on {meta['machine']}: `{meta['command']}` "
        f"(budget `{meta['budget']}`, {meta['jobs']} workers, nndoctor {meta['nndoctor_version']}, "
        f"src {meta['src_hash'][:12]}). The scenarios took {meta['scenario_wall_seconds_total']:.0f} s of "
        f"wall time in {meta['jobs']} workers (about {meta['scenario_wall_seconds_total'] / meta['jobs'] / 60:.1f} "
        f"min elapsed) and {meta['cpu_seconds_total']:.0f} worker CPU seconds (the elapsed time on an "
        "otherwise idle machine would be about their sum over the workers, more where nndoctor's "
        "wall-clock budget cut experiments short).",
        "",
        "| scenarios | healthy controls | top-1 | top-3 | top-1, refusals as misses | false alarms "
        "| refused | crashed | median s | p90 s | median ratio | p90 ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {h['scenarios']} | {h['healthy_controls']} | {_cell(h['top1'], '%')} | {_cell(h['top3'], '%')} "
        f"| {_cell(h['strict_top1'], '%')} | {_cell(h['false_alarms'], '%')} | {h['refused']} | {h['crashed']} "
        f"| {_cell(h['median_seconds'])} | {_cell(h['p90_seconds'])} | {_cell(h['median_ratio'])} "
        f"| {_cell(h['p90_ratio'])} |",
        "",
        "Ratio: seconds of `diagnose()` over seconds of one plain training run of the same model "
        "for the same number of steps as the diagnosis's recorded run, with the user's set-up "
        f"(median on healthy controls {_cell(h.get('median_ratio_healthy'))}, on faulty scenarios "
        f"{_cell(h.get('median_ratio_faulty'))}: a faulty model also trains its confirming control and "
        "two more seeds of the fix). "
        f"In {h['budget_spent']} of {h['scenarios']} diagnoses nndoctor skipped experiments because "
        "its wall-clock budget ran out.",
    ]
    if meta.get("src_changed_during_run"):
        lines += ["", "**src/nndoctor changed while this run was in progress**: later scenarios measured newer code."]
    if h["scenarios"] + h["harness_errors"] < meta["scenarios_chosen"]:
        lines += ["", f"**Incomplete: {h['scenarios']} of {meta['scenarios_chosen']} scenarios are scored** "
                  "(the run stopped early; run again to resume)."]
    if h["harness_errors"]:
        lines += ["", f"**{h['harness_errors']} scenario(s) failed in the harness** (not scored): "
                  + ", ".join(r["id"] for r in summary["rows"] if r["status"] == "harness-error")]
    lines += ["", "### Cause by cause", "",
              "| cause | n (torch/keras) | top-1 | top-3 | refused | model below baseline | answered instead |",
              "|---|---|---|---|---|---|---|"]
    for row in summary["per_cause"]:
        fw = row["frameworks"]
        instead = ", ".join(f"{k} ×{v}" for k, v in row["named_instead"].items()) or ""
        hurt = (f"{row['hurt']}/{row['n']}" if row["hurt"] is not None
                else f"false alarms {row['false_alarms']}/{row['n']}")
        lines.append(f"| `{row['cause']}` | {row['n']} ({fw.get('torch', 0)}/{fw.get('keras', 0)}) "
                     f"| {row['top1']}/{row['n']} | {row['top3']}/{row['n']} | {row['refused'] or ''} "
                     f"| {hurt} | {instead} |")
    lines += ["", "\"Model below baseline\": the user's model scores more than 5 points below simple "
              "models (logistic/ridge regression, 15-NN) fitted to the same data, or cannot be scored. "
              "It tells a model-side fault that bit from one that did not (or from a data fault, which "
              "caps the baselines too); either way the planted fault is the ground truth."]
    peers = summary["peers"]
    lines += ["", "### Peers on the same PyTorch scenarios", "",
              "| tool | scenarios run | named the true cause (faults) | false alarms (controls) "
              "| causes named per fault | median s |", "|---|---|---|---|---|---|"]
    any_peer = next((p for p in peers.values() if p.get("ran")), None)
    if any_peer:
        lines.append(f"| nndoctor (any error/warning finding) | {any_peer['ran']} "
                     f"| {_cell(any_peer['nndoctor_named_rate'], '%')} "
                     f"| {_cell(any_peer['nndoctor_false_alarms'], '%')} | – | – |")
        lines.append(f"| nndoctor (top-1) | {any_peer['ran']} | {_cell(any_peer['nndoctor_top1'], '%')} | – | 1 | – |")
    for name, p in peers.items():
        if not p.get("ran"):
            lines.append(f"| {name} | 0 | did not run: {p.get('statuses')} | | | |")
            continue
        lines.append(f"| {name} | {p['ran']} | {_cell(p['hit_rate'], '%')} | {_cell(p['false_alarms'], '%')} "
                     f"| {_cell(p['causes_named_per_fault'])} | {_cell(p['median_seconds'])} |")
    if any_peer:
        causes = sorted({c for p in peers.values() if p.get("ran") for c in p["by_cause"]})
        names = [n for n, p in peers.items() if p.get("ran")]
        lines += ["", "| cause (torch) | n | nndoctor named | " + " | ".join(names) + " |",
                  "|---|---|---|" + "---|" * len(names)]
        for c in causes:
            first = peers[names[0]]["by_cause"][c]
            lines.append(f"| `{c}` | {first['n']} | {first['nndoctor_named']} | "
                         + " | ".join(str(peers[n]["by_cause"].get(c, {}).get("peer_hits", "–")) for n in names) + " |")
    lines += ["", "<details><summary>Per variant</summary>", "",
              "| variant | framework | n | top-1 | top-3 | answers | data sets |", "|---|---|---|---|---|---|---|"]
    for row in summary["per_variant"]:
        lines.append(f"| `{row['variant']}` | {row['framework']} | {row['n']} | {row['top1']} | {row['top3']} "
                     f"| {', '.join(row['answers'])} | {', '.join(row['datasets'])} |")
    lines += ["", "</details>", "", "Listed, not scored (they need `nndoctor run`, issue 4):", ""]
    for e in result["excluded"]:
        lines.append(f"- `{e['variant']}` ({'/'.join(e['frameworks'])}): {e['why']}")
    return "\n".join(lines)


def variants_markdown() -> str:
    """Every fault variant, from its docstring: what the user did, where it exists."""
    from .faults import VARIANTS

    lines = ["| cause | variant | frameworks | data sets | what the user did |", "|---|---|---|---|---|"]
    for key in sorted(VARIANTS, key=lambda k: (k.split("/")[0] != "healthy", k)):
        v = VARIANTS[key]
        where = "needs `nndoctor run`" if v.needs_run else ", ".join(v.datasets)
        lines.append(f"| `{v.cause}` | {v.name} | {'/'.join(v.frameworks)} | {where} | {v.doc} |")
    return "\n".join(lines)


def update_docs(path: Path, mode: str, text: str) -> None:
    """Replace the generated section for ``mode`` in docs/benchmark.md, keeping the prose."""
    begin, end = f"<!-- clinic-{mode}:begin -->", f"<!-- clinic-{mode}:end -->"
    doc = path.read_text() if path.exists() else "# The clinic\n"
    block = f"{begin}\n{text}\n{end}"
    if begin in doc and end in doc:
        doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
    else:
        doc = doc.rstrip() + f"\n\n## Latest {mode} run\n\n{block}\n"
    path.write_text(doc)
