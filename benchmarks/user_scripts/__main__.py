"""``python -m benchmarks.user_scripts [--budget quick|standard]``: every script in `CASES`
through ``nndoctor run``; a table of true cause, first answer and answer now, written to
``benchmarks/results/user_scripts.json``."""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import EARLY, HELD_OUT

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "results" / "user_scripts.json"


def answer(path: str, budget: str) -> tuple[str, str, float]:
    """(primary cause, verdict, seconds) of ``nndoctor run`` on one script."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "run.json"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nndoctor.cli", "run", "--budget", budget, "--json", str(report),
                        str(ROOT / path)], cwd=tmp, capture_output=True, text=True, timeout=900)
        seconds = time.perf_counter() - start
        if not report.exists():
            return "no report", "error", seconds
        d = json.loads(report.read_text())
        return d["primary_cause"], d["verdict"], seconds


def right(truth: str, cause: str | None, verdict: str | None) -> bool:
    if truth == "healthy":
        return cause == "healthy" and verdict == "healthy"
    return cause == truth


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.user_scripts")
    parser.add_argument("--budget", default="standard", choices=["quick", "standard", "thorough"])
    args = parser.parse_args(argv)
    rows = []
    for group, cases in (("early", EARLY), ("held-out", HELD_OUT)):
        for path, truth, first in cases:
            cause, verdict, seconds = answer(path, args.budget)
            rows.append({"group": group, "script": path, "truth": truth, "first_answer": first, "answer": cause,
                         "verdict": verdict, "right": right(truth, cause, verdict), "seconds": round(seconds, 1)})
            mark = "ok  " if rows[-1]["right"] else "MISS"
            print(f"{mark} {Path(path).name:45s} {truth:28s} -> {cause} ({seconds:.0f} s)", flush=True)
    summary = {}
    for group in ("early", "held-out"):
        mine = [r for r in rows if r["group"] == group]
        seen = [r for r in mine if r["first_answer"] is not None]
        summary[group] = {
            "cases": len(mine), "first_seen": len(seen),
            "first_right": sum(right(r["truth"], r["first_answer"], "healthy") for r in seen),
            "now_right": sum(r["right"] for r in mine)}
    OUT.write_text(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M"), "budget": args.budget,
        "machine": f"{platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}",
        "summary": summary, "rows": rows}, indent=1))
    print("user-scripts: " + "; ".join(f"{g}: first answers {v['first_right']}/{v['first_seen']} right, now "
                                       f"{v['now_right']}/{v['cases']}" for g, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
