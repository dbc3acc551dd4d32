"""Which LR range test rule trains best? The measurement behind `lr_range_test.RULE`.

    .venv/bin/python -m benchmarks.lr_range_compare [--framework torch|keras|both] [--seeds 2]
        [--steps 1000] [--out benchmarks/results/lr_range_compare.json]

For each small scenario (sklearn digits/iris/wine/breast_cancer/diabetes, moons, friedman1, a
synthetic 5-class problem; widths 8-128, one or two hidden layers; Adam, SGD, SGD with momentum), each
framework and each seed: run the `lr_range_test` experiment on a fresh model (the engine's
path: adapter, TrainSpec, experiment context), then train a copy with every rule's LR for the
same steps (``--steps``, the `standard` budget's 1000 by default) and score it on held-out data
(accuracy, or R^2 for regression). A framework-default LR (Adam 1e-3, SGD 1e-2) is trained
too, for reference. Writes the raw rows as JSON and prints the markdown tables of
docs/lr_range_test.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from nndoctor.adapters import TrainSpec, adapter_for
from nndoctor.adapters._base import score
from nndoctor.experiments import ExperimentContext, run_experiment
from nndoctor.experiments.lr_range_test import SUGGESTERS

DEFAULT_LR = {"adam": 1e-3, "sgd": 1e-2, "sgdm": 1e-2}
REFERENCE = "default"


@dataclass(frozen=True)
class Scenario:
    name: str
    data: str
    hidden: tuple
    optimizer: str  # adam | sgd | sgdm (SGD, momentum 0.9)
    batch_size: int


SCENARIOS = [
    Scenario("digits / 32 / Adam", "digits", (32,), "adam", 32),
    Scenario("digits / 128 / SGD", "digits", (128,), "sgd", 64),
    Scenario("iris / 16 / Adam", "iris", (16,), "adam", 16),
    Scenario("iris / 8 / SGD", "iris", (8,), "sgd", 16),
    Scenario("wine / 32 / SGD+mom", "wine", (32,), "sgdm", 16),
    Scenario("breast_cancer / 16 / Adam", "breast_cancer", (16,), "adam", 32),
    Scenario("moons / 32x32 / Adam", "moons", (32, 32), "adam", 32),
    Scenario("moons / 64 / SGD", "moons", (64,), "sgd", 32),
    Scenario("diabetes (R²) / 32 / Adam", "diabetes", (32,), "adam", 32),
    Scenario("diabetes (R²) / 64x64 / SGD", "diabetes", (64, 64), "sgd", 32),
    Scenario("synthetic 5-class / 64x64 / SGD+mom", "synth", (64, 64), "sgdm", 64),
    Scenario("friedman1 (R²) / 64 / Adam", "friedman1", (64,), "adam", 32),
    Scenario("friedman1 (R²) / 32x32 / SGD", "friedman1", (32, 32), "sgd", 32),
]


def load(name: str):
    """(x_train, x_val, y_train, y_val, task): standardized inputs (and regression targets)."""
    task = "classification"
    if name == "moons":
        x, y = datasets.make_moons(1000, noise=0.25, random_state=0)
    elif name == "synth":
        x, y = datasets.make_classification(2000, 20, n_informative=10, n_classes=5, random_state=0)
    elif name in ("diabetes", "friedman1"):
        x, y = datasets.load_diabetes(return_X_y=True) if name == "diabetes" else \
            datasets.make_friedman1(2000, n_features=10, noise=1.0, random_state=0)
        y, task = (y - y.mean()) / y.std(), "regression"
    else:
        x, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    x = StandardScaler().fit_transform(x).astype(np.float32)
    stratify = y if task == "classification" else None
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.25, random_state=0, stratify=stratify)
    if task == "classification":
        return x_train, x_val, y_train.astype(np.int64), y_val.astype(np.int64), task
    return x_train, x_val, y_train.reshape(-1, 1).astype(np.float32), y_val.reshape(-1, 1).astype(np.float32), task


def build(framework: str, n_in: int, n_out: int, s: Scenario, task: str, seed: int):
    """The model and the `adapter_for` keywords (torch) / a compiled Keras model."""
    lr = DEFAULT_LR[s.optimizer]
    if framework == "torch":
        import torch
        from torch import nn
        torch.manual_seed(seed)
        layers, width = [], n_in
        for h in s.hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        model = nn.Sequential(*layers, nn.Linear(width, n_out))
        optimizer = {"adam": "adam", "sgd": "sgd",
                     "sgdm": lambda params: torch.optim.SGD(params, lr=lr, momentum=0.9)}[s.optimizer]
        return model, {"loss": "cross_entropy" if task == "classification" else "mse",
                       "optimizer": optimizer, "lr": lr}
    import keras
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((n_in,))] + [keras.layers.Dense(h, activation="relu") for h in s.hidden]
                             + [keras.layers.Dense(n_out)])
    optimizer = {"adam": keras.optimizers.Adam(lr), "sgd": keras.optimizers.SGD(lr),
                 "sgdm": keras.optimizers.SGD(lr, momentum=0.9)}[s.optimizer]
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True) if task == "classification" else "mse"
    model.compile(optimizer=optimizer, loss=loss)
    return model, {}


def one(framework: str, s: Scenario, seed: int, steps: int, known: dict | None = None) -> dict:
    """One scenario, framework and seed. ``known``: an earlier row whose rules are kept as
    they are (same LRs, same scores); only rules it lacks are trained."""
    x_train, x_val, y_train, y_val, task = load(s.data)
    n_out = int(y_train.max()) + 1 if task == "classification" else 1
    model, kwargs = build(framework, x_train.shape[1], n_out, s, task, seed)
    adapter = adapter_for(model, **kwargs)
    profile = adapter.profile()
    spe = math.ceil(len(x_train) / s.batch_size)
    spec = TrainSpec(x=x_train, y=y_train, x_val=x_val, y_val=y_val, task=task, n_classes=n_out,
                     epochs=max(1, math.ceil(steps / spe)), batch_size=s.batch_size, seed=seed, record=False)
    ctx = ExperimentContext(adapter=adapter, spec=spec, profile=profile, task=task, n_classes=n_out,
                            labels_train=y_train if task == "classification" else None,
                            labels_val=y_val if task == "classification" else None,
                            majority=None, deadline=time.perf_counter() + 600)
    sweep = run_experiment("lr_range_test", ctx)["result"]
    lrs = {REFERENCE: DEFAULT_LR[s.optimizer], **sweep["suggestions"]}
    scores, trained = {}, {}
    if known:
        lrs.update(known["lrs"])
        scores.update(known["scores"])
        trained.update({f"{lr:.6g}": known["scores"][rule] for rule, lr in known["lrs"].items() if lr})
    for rule, lr in lrs.items():
        if rule in scores:
            continue
        if lr is None:
            scores[rule] = None
            continue
        key = f"{lr:.6g}"
        if key not in trained:
            run = adapter.train_copy(replace(spec, lr=float(lr)))
            value = score(run.final_val_outputs, y_val, spec, profile, ctx.labels_val)
            trained[key] = value if math.isfinite(value) else None
        scores[rule] = trained[key]
    return {"scenario": s.name, "framework": framework, "seed": seed, "task": task, "steps": spec.total_steps,
            "lrs": lrs, "scores": scores, "sweep_steps": sweep["steps"], "diverged_at": sweep["diverged_at"]}


def tables(rows: list[dict]) -> str:
    rules = [REFERENCE] + list(SUGGESTERS)
    worst = {"classification": 0.0, "regression": -1.0}  # a rule with no LR scores this
    per = {}
    order = {s.name: i for i, s in enumerate(SCENARIOS)}
    for r in sorted(rows, key=lambda r: (r["framework"] != "torch", order.get(r["scenario"], len(order)))):
        per.setdefault((r["scenario"], r["framework"]), []).append(r)
    lines = ["| scenario | fw | " + " | ".join(rules) + " |", "|---|---|" + "---:|" * len(rules)]
    regret = {rule: [] for rule in rules}
    wins = {rule: 0 for rule in rules}
    for (name, fw), group in per.items():
        means, lr_means = {}, {}
        for rule in rules:
            vals = [g["scores"][rule] if g["scores"][rule] is not None else worst[g["task"]] for g in group]
            means[rule] = statistics.fmean(max(v, worst[g["task"]]) for v, g in zip(vals, group))
            lrs = [g["lrs"][rule] for g in group if g["lrs"][rule]]
            lr_means[rule] = math.exp(statistics.fmean(math.log(v) for v in lrs)) if lrs else None
        best = max(means[rule] for rule in rules if rule != REFERENCE)
        for rule in rules:
            regret[rule].append(best - means[rule])
        for rule in rules:
            if rule != REFERENCE and means[rule] >= best - 1e-9:
                wins[rule] += 1
        cells = [f"{means[rule]:.3f} ({lr_means[rule]:.0e})" if lr_means[rule] else f"{means[rule]:.3f} (–)"
                 for rule in rules]
        lines.append(f"| {name} | {fw} | " + " | ".join(cells) + " |")
    lines += ["", "| rule | mean score | mean regret | worst regret | best in (of %d) |" % len(per),
              "|---|---:|---:|---:|---:|"]
    for rule in rules:
        mean_score = statistics.fmean(
            statistics.fmean(max(g["scores"][rule] if g["scores"][rule] is not None else worst[g["task"]],
                                 worst[g["task"]]) for g in group) for group in per.values())
        lines.append(f"| {rule} | {mean_score:.3f} | {statistics.fmean(regret[rule]):.3f} | "
                     f"{max(regret[rule]):.3f} | {wins[rule] if rule != REFERENCE else '–'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--framework", choices=("torch", "keras", "both"), default="both")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--only", default=None, help="substring of scenario names to run")
    parser.add_argument("--out", default="benchmarks/results/lr_range_compare.json")
    parser.add_argument("--table", action="store_true", help="only print the tables of --out")
    args = parser.parse_args()
    out = Path(args.out)
    if args.table:
        print(tables(json.loads(out.read_text())["rows"]))
        return
    frameworks = ("torch", "keras") if args.framework == "both" else (args.framework,)
    rows = json.loads(out.read_text())["rows"] if out.exists() else []
    done = {(r["scenario"], r["framework"], r["seed"]): i for i, r in enumerate(rows)
            if set(SUGGESTERS) <= set(r["lrs"])}
    earlier = {(r["scenario"], r["framework"], r["seed"]): i for i, r in enumerate(rows)}
    for framework in frameworks:
        for s in SCENARIOS:
            if args.only and args.only not in s.name:
                continue
            for seed in range(args.seeds):
                if (s.name, framework, seed) in done:
                    continue
                start = time.perf_counter()
                key = (s.name, framework, seed)
                row = one(framework, s, seed, args.steps, rows[earlier[key]] if key in earlier else None)
                if key in earlier:  # more rules for a row measured before
                    rows[earlier[key]] = row
                else:
                    rows.append(row)
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps({"steps": args.steps, "rows": rows}, indent=1))
                print(f"{framework:5s} {s.name:38s} seed {seed} {time.perf_counter() - start:5.1f}s "
                      + " ".join(f"{k}={v:.3f}" if v is not None else f"{k}=–" for k, v in row["scores"].items()),
                      flush=True)
    print(tables(rows))


if __name__ == "__main__":
    main()
