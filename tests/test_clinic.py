"""The clinic's harness works and its scenario list keeps its promises (benchmarks/clinic).

The clinic's numbers themselves live in docs/benchmark.md; these tests only prove that
scenarios run end to end, are scored as documented, and cover every cause id."""

from __future__ import annotations

from collections import defaultdict

import pytest

from benchmarks.clinic import scenarios as sc
from benchmarks.clinic import score
from benchmarks.clinic.faults import VARIANTS
from benchmarks.clinic.runner import run_scenario
from nndoctor.causes import CAUSES

FULL = sc.generate()
BY_ID = {s.id: s for s in FULL}


def _first(prefix: str) -> sc.Scenario:
    return next(s for s in FULL if s.id.startswith(prefix))


def test_every_cause_has_two_scored_variants_over_two_data_sets_in_each_framework_it_exists_in():
    variants, datasets, frameworks = defaultdict(set), defaultdict(set), defaultdict(set)
    for s in FULL:
        variants[s.cause].add(s.variant)
        datasets[s.cause].add(s.dataset)
        frameworks[s.cause].add(s.framework)
    for cause in CAUSES:
        assert len(variants[cause]) >= 2, f"{cause}: scored variants {sorted(variants[cause])}"
        assert len(datasets[cause]) >= 2, f"{cause}: data sets {sorted(datasets[cause])}"
        exists_in = {fw for v in VARIANTS.values() if v.cause == cause and v.needs_run is None for fw in v.frameworks}
        assert frameworks[cause] == exists_in, cause


def test_exclusions_say_why_and_every_cause_id_is_known():
    for e in sc.excluded():
        assert e["why"] and e["cause"] in CAUSES
    assert {v.cause for v in VARIANTS.values()} <= set(CAUSES)


def test_healthy_controls_are_a_quarter_of_both_lists_and_quick_covers_every_cause_and_framework():
    quick = sc.quick_subset(FULL)
    for scenarios in (FULL, quick):
        assert sum(s.cause == "healthy" for s in scenarios) >= 0.25 * len(scenarios)
    pairs = {(s.cause, s.framework) for s in FULL}
    assert {(s.cause, s.framework) for s in quick} == pairs
    assert len({s.variant for s in quick if s.cause == "healthy"}) == len({s.variant for s in FULL if s.cause == "healthy"})


def test_the_list_is_deterministic_and_ids_are_unique():
    again = sc.generate()
    assert [s.to_dict() for s in again] == [s.to_dict() for s in FULL]
    assert len(BY_ID) == len(FULL)


@pytest.mark.parametrize("prefix", ["undertrained.never-trained.torch", "healthy.plain.torch",
                                    "undertrained.never-trained.keras"])
def test_a_scenario_runs_end_to_end_and_is_scored(prefix):
    scenario = _first(prefix)
    record = run_scenario(scenario.to_dict(), budget=1.0)
    assert "harness_error" not in record, record.get("trace")
    n = record["nndoctor"]
    assert n["status"] in {"diagnosed", "refused", "crashed"}
    if n["status"] == "diagnosed":
        assert n["seconds"] > 0 and n["recorded_steps"] > 0 and record["plain_run_seconds"] > 0
    summary = score.summarize([record])
    assert summary["headline"]["scenarios"] == 1
    assert score.last_line(summary).startswith("clinic: top1 ")


def _record(cause, status="diagnosed", findings=(), error=None):
    s = _first(f"{cause}.").to_dict()
    n = {"status": status, "seconds": 2.0, "findings": [{"cause": c, "severity": sev} for c, sev in findings]}
    if status == "diagnosed":
        n["primary_cause"] = next((c for c, sev in findings if sev in score.ACTIONABLE), "healthy")
    else:
        n["error"] = error
    return {"id": s["id"], "scenario": s, "nndoctor": n, "plain_run_seconds": 1.0}


def test_scoring_top1_top3_false_alarms_and_refusals():
    records = [
        _record("lr-too-high", findings=[("undertrained", "error"), ("lr-too-high", "warning")]),
        _record("healthy", findings=[("class-imbalance", "warning")]),
        _record("healthy", findings=[("overfitting", "error")]),
        _record("healthy", findings=[("too-little-data", "info")]),
        _record("label-encoding-mismatch", "refused",
                error="ValueError: `y` holds labels 1..3, but the output layer (3 unit(s)) can only produce classes 0..2."),
        _record("nan-in-data", "refused", error="ValueError: `x` must hold at least 2 samples."),
    ]
    rows = {i: score.outcome(r) for i, r in enumerate(records)}
    assert (rows[0]["top1"], rows[0]["top3"]) == (False, True)
    assert [rows[i]["false_alarm"] for i in (1, 2, 3)] == [False, True, False]
    assert [rows[i]["top1"] for i in (1, 2, 3)] == [False, False, True]
    assert rows[4]["top1"] and not rows[4]["strict_top1"]
    assert not rows[5]["top1"]
    h = score.summarize(records)["headline"]
    assert (h["top1"], h["top3"], h["false_alarms"], h["refused"], h["median_ratio"]) == (33.3, 50.0, 33.3, 2, 2.0)
