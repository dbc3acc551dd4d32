"""The experiment contract and registry."""

from __future__ import annotations

import importlib
import pkgutil
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..adapters import Adapter, TrainSpec
from ..evidence.model import ModelProfile
from ..evidence.run import RunRecord

EXPERIMENTS: dict[str, Callable] = {}


def experiment(name: str, always: bool = False):
    """Register ``run(ctx) -> dict`` as experiment ``name``; ``always``: run in every diagnosis."""
    def register(fn):
        fn.experiment_name, fn.always = name, always
        EXPERIMENTS[name] = fn
        return fn
    return register


@dataclass
class ExperimentContext:
    """What an experiment may use: the adapter (to train copies), the recorded run's spec
    (data, length, seed), and the model/task facts."""

    adapter: Adapter
    spec: TrainSpec
    profile: ModelProfile
    task: str
    n_classes: int
    labels_train: np.ndarray | None
    labels_val: np.ndarray | None
    majority: float | None
    deadline: float  # time.perf_counter() value after which long experiments should stop
    findings: list = field(default_factory=list)  # for fix_and_retrain: the ranked findings
    recorded_run: RunRecord | None = None  # the run of ``spec`` itself, when it ran to its end
    n_given: int | None = None  # training samples the user gave, before nndoctor held any out

    def seconds_left(self) -> float:
        return self.deadline - time.perf_counter()


def load_all() -> dict[str, Callable]:
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__package__}.{info.name}")
    return EXPERIMENTS


def run_experiment(name: str, ctx: ExperimentContext) -> dict:
    """``{"name", "seconds", "result"}`` for one experiment (exceptions propagate to the engine)."""
    load_all()
    start = time.perf_counter()
    result = EXPERIMENTS[name](ctx)
    return {"name": name, "seconds": round(time.perf_counter() - start, 3), "result": result}
