"""The terminal report says verdict, cause, intervals and fixes, at 100 and 60 columns."""

import io

import pytest
from rich.console import Console

from nndoctor.findings import Finding
from nndoctor.report.terminal import render_terminal, render_text
from nndoctor.result import Diagnosis


@pytest.mark.parametrize("width", [100, 60])
def test_classification_report_has_verdict_cause_ci_and_fixes(classification, width):
    text = render_text(classification, width=width)
    for expected in ("large-lr (keras)", "keras", "classification", "PROBLEMS FOUND", "lr-too-high",
                     "0.352", "0.648", "20/40", "0.560",
                     "nan-in-data", "no NaN or inf", "rule IS001", "ValueError", "recorded_run", "1.2 s",
                     "0.500 → 0.970", "lr/10"):
        assert expected in text, expected
    for fd in classification["findings"]:
        assert fd["rule"] in text
        if fd["fix"]:
            assert fd["fix"] in text
    assert "NO" in text  # 20/40 on a balanced binary task is not better than chance


@pytest.mark.parametrize("width", [100, 60])
def test_lines_fit_the_width(classification, width):
    lines = render_text(classification, width=width).splitlines()
    assert max(len(line) for line in lines) <= width


def test_findings_are_listed_in_given_order_with_confidence(classification):
    text = render_text(classification)
    assert text.index("LR001") < text.index("DA003") < text.index("DA010")
    assert "85%" in text and "40%" in text


def test_regression_report_shows_r2_without_accuracy_columns(regression):
    text = render_text(regression)
    assert "HEALTHY" in text and "val_r2" in text and "0.930" in text and "1.900" in text
    assert "chance" not in text
    assert "No findings" in text


@pytest.mark.parametrize("width", [100, 60])
def test_missing_and_none_values_do_not_crash(sparse, minimal, width):
    assert "INCONCLUSIVE" in render_text(sparse, width=width)
    assert "untested" in render_text(sparse, width=width)
    assert "HEALTHY" in render_text(minimal, width=width)


def test_brackets_in_messages_are_not_read_as_markup(classification):
    classification["findings"][0]["message"] = "shape [N,1] vs [N] and [bold]x[/bold]"
    assert "shape [N,1] vs [N] and [bold]x[/bold]" in render_text(classification)


@pytest.mark.parametrize("verdict,ansi", [("problems-found", "31"), ("healthy", "32"), ("inconclusive", "33")])
def test_verdict_is_coloured(classification, verdict, ansi):
    classification["verdict"] = verdict
    out = io.StringIO()
    Console(file=out, width=100, force_terminal=True, color_system="standard").print(render_terminal(classification))
    label = {"problems-found": "PROBLEMS FOUND", "healthy": "HEALTHY", "inconclusive": "INCONCLUSIVE"}[verdict]
    assert f"\x1b[1;{ansi}m{label}" in out.getvalue()


def test_diagnosis_prints_through_rich():
    d = Diagnosis(task={"kind": "classification", "n_classes": 3, "framework": "torch"},
                  findings=[Finding("dead-relu", "AC001", "error", 0.7, "92% of units dead",
                                    fix="Use LeakyReLU.", fix_code="nn.LeakyReLU(0.01)")])
    out = io.StringIO()
    Console(file=out, width=100).print(d)
    text = out.getvalue()
    assert "dead-relu" in text and "AC001" in text and "nn.LeakyReLU(0.01)" in text
