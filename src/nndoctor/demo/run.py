"""Run the seed's scenarios in each framework, diagnose every model, report."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich import box
from rich.console import Console, Group
from rich.table import Table

from ..diagnosis import diagnose
from ..report.json import dumps


@dataclass(frozen=True)
class Scenario:
    name: str
    builder: str
    args: tuple
    seed_claim: str  # what the seed document says happens
    expected: tuple[str, ...]  # cause ids a correct diagnosis may name first


SCENARIOS = (
    Scenario("untrained", "untrained", (), "predictions are random before training",
             ("undertrained",)),
    Scenario("small-lr", "regression", (0.001,), "lr=0.001 converges steadily", ("healthy",)),
    Scenario("large-lr", "regression", (1.0,), "lr=1.0: loss fluctuates wildly, predictions random",
             ("lr-too-high",)),
    Scenario("sufficient-data", "blobs", (100,), "100 per class generalizes", ("healthy",)),
    Scenario("insufficient-data", "blobs", (5,), "5 per class gives lower test accuracy",
             ("unreliable-evaluation", "too-little-data")),
)


def run_demo(frameworks=("keras", "torch"), json_path=None, html_dir=None, console=None,
             budget="standard"):
    """Build, train and diagnose every scenario; returns the diagnoses in order."""
    console = console or Console()
    state = np.random.get_state()
    diagnoses = []
    try:
        for framework in frameworks:
            module = importlib.import_module(f"{__package__}.{framework}_seed")
            for scenario in SCENARIOS:
                console.print(f"[bold]{scenario.name}[/] ({framework}): training as the seed does ...")
                model, x, y, val, kwargs = getattr(module, scenario.builder)(*scenario.args)
                result = diagnose(model, x, y, validation_data=val, budget=budget, **kwargs)
                result.scenario = scenario.name
                diagnoses.append((scenario, result))
    finally:
        np.random.set_state(state)
    console.print(_summary(diagnoses))
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(dumps([d.to_dict() for _, d in diagnoses]))
        console.print(f"JSON: {json_path}")
    if html_dir:
        from ..report.html import render_html

        out = Path(html_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text(render_html([d.to_dict() for _, d in diagnoses],
                                                    title="nndoctor: the seed's scenarios"),
                                        encoding="utf-8")
        console.print(f"HTML: {out / 'index.html'}")
    return [d for _, d in diagnoses]


def _summary(diagnoses) -> Group:
    claims = Table(title="What the seed document claims", show_header=False, box=None)
    for scenario in SCENARIOS:
        claims.add_row(f"[bold]{scenario.name}[/]", scenario.seed_claim)
    measured = Table(title="What nndoctor measured (green: the expected cause)", box=box.SIMPLE_HEAD,
                     pad_edge=False, collapse_padding=True)
    for column in ("scenario", "verdict", "primary cause", "score [95% CI]", "s"):
        measured.add_column(column, no_wrap=column != "score [95% CI]")
    for scenario, d in diagnoses:
        colour = "green" if d.primary_cause in scenario.expected else "red"
        measured.add_row(f"{scenario.name}/{d.task['framework']}", d.verdict,
                         f"[{colour}]{d.primary_cause}[/]", _score(d), f"{d.seconds:.0f}")
    return Group(claims, measured)


def _score(d) -> str:
    acc = d.metrics.get("val_accuracy")
    if acc:
        return f"{100 * acc['value']:.0f}% [{100 * acc['ci95'][0]:.0f}-{100 * acc['ci95'][1]:.0f}] n={acc['n']}"
    r2 = d.metrics.get("val_r2")
    return f"R^2 {r2:.2f}" if r2 is not None else "n/a"
