"""Time `diagnose()` on the seed-sized problems against one plain training run of the same model.

    .venv/bin/python benchmarks/bench_diagnose.py [--runs 3] [--framework torch|keras|both]

For each of the seed's scenarios and each framework: the median seconds of the seed's own
training (``model.fit(..., epochs=E)`` / the equivalent torch loop), of a `standard` diagnosis
of the trained model, their ratio, and the median seconds of each experiment the diagnosis
ran (recorded run, controls, baselines, fix verification), after one untimed warm-up
diagnosis per framework. The untrained scenario has no
training of its own: its ratio is against the recorded run (one plain training run of the
diagnosis's length). ``runs_worth`` is the diagnosis against its own recorded run: how many
trainings of the budget's length it costs, whatever length the user trained for.
Writes benchmarks/results/diagnose.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import statistics
import time
from pathlib import Path

from nndoctor import diagnose
from nndoctor.demo.run import SCENARIOS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--framework", choices=("torch", "keras", "both"), default="both")
    parser.add_argument("--budget", default="standard")
    args = parser.parse_args()
    frameworks = ("keras", "torch") if args.framework == "both" else (args.framework,)
    rows = []
    for framework in frameworks:
        module = importlib.import_module(f"nndoctor.demo.{framework}_seed")
        _warm_up(module, args.budget)
        for scenario in SCENARIOS:
            train_s, diag_s, per_experiment = [], [], {}
            for _ in range(args.runs):
                start = time.perf_counter()
                model, x, y, val, kwargs = getattr(module, scenario.builder)(*scenario.args)
                train_s.append(time.perf_counter() - start)
                start = time.perf_counter()
                result = diagnose(model, x, y, validation_data=val, budget=args.budget, verbose=0, **kwargs)
                diag_s.append(time.perf_counter() - start)
                for entry in result.experiments:
                    per_experiment.setdefault(entry["name"], []).append(entry["seconds"])
            row = {"framework": framework, "scenario": scenario.name,
                   "train_seconds": statistics.median(train_s),
                   "diagnose_seconds": statistics.median(diag_s),
                   "primary_cause": result.primary_cause}
            row["experiments"] = {k: statistics.median(v) for k, v in per_experiment.items()}
            reference = row["train_seconds"] if scenario.name != "untrained" else row["experiments"]["recorded_run"]
            row["ratio"] = row["diagnose_seconds"] / max(reference, 1e-9)
            row["runs_worth"] = row["diagnose_seconds"] / max(row["experiments"]["recorded_run"], 1e-9)
            rows.append(row)
            print(f"{framework:6s} {scenario.name:18s} train {row['train_seconds']:6.2f}s  "
                  f"diagnose {row['diagnose_seconds']:6.2f}s  ratio {row['ratio']:5.2f}  "
                  f"runs' worth {row['runs_worth']:5.2f}  -> {row['primary_cause']}", flush=True)
            print("        " + "  ".join(f"{k} {v:.2f}s" for k, v in row["experiments"].items()), flush=True)
    out = Path(__file__).parent / "results" / "diagnose.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": f"{platform.machine()} {platform.processor()} "
                                          f"python {platform.python_version()}",
                               "runs": args.runs, "budget": args.budget, "rows": rows}, indent=2))
    print(f"written {out}")


def _warm_up(module, budget) -> None:
    """One untimed diagnosis per framework: the first call pays one-off imports and tracing
    (about 10-15 s here), which would otherwise land on whichever scenario runs first."""
    model, x, y, val, kwargs = getattr(module, SCENARIOS[0].builder)(*SCENARIOS[0].args)
    diagnose(model, x, y, validation_data=val, budget=budget, verbose=0, **kwargs)


if __name__ == "__main__":
    main()
