"""Experiments: short, controlled interventions that confirm or refute a suspected cause.

Each module holds one experiment, a function ``run(ctx) -> dict`` registered under its name.
Experiments measure; rules judge. The engine runs the cheap ones always and the others when a
rule asks for them (`Rule.wants`), within the time budget.
"""

from ._base import EXPERIMENTS, ExperimentContext, experiment, run_experiment

__all__ = ["EXPERIMENTS", "ExperimentContext", "experiment", "run_experiment"]
