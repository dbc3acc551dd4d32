"""The command line: version, rules, explain, and the demo's JSON."""

import json
import subprocess
import sys

import pytest

from nndoctor import __version__
from nndoctor.cli import main
from nndoctor.rules import all_rules


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"nndoctor {__version__}"


def test_rules_lists_every_rule_code_and_cause(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in all_rules():
        assert rule.code in out and rule.cause in out


@pytest.mark.parametrize("key", ["LR001", "lr001", "lr-too-high"])
def test_explain_prints_the_rule_docstring(capsys, key):
    assert main(["explain", key]) == 0
    out = capsys.readouterr().out
    assert "LR001" in out and "What it does" in out and "Fix" in out


@pytest.mark.parametrize("key, code", [("RUN002", "RUN002"), ("run001", "RUN001"),
                                       ("gradient-accumulation", "RUN002")])
def test_explain_knows_the_checks_of_nndoctor_run(capsys, key, code):
    assert main(["explain", key]) == 0
    out = capsys.readouterr().out
    assert code in out and "What it does" in out and "Fix" in out


def test_every_script_check_is_documented_like_a_rule():
    from nndoctor.causes import CAUSES
    from nndoctor.intercept.script_rules import SCRIPT_RULES
    for rule in SCRIPT_RULES:
        assert all(cause in CAUSES for cause in rule.cause.split(", ")), rule.code
        for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix"):
            assert heading in rule.doc(), (rule.code, heading)


def test_explain_unknown_key_fails(capsys):
    assert main(["explain", "XX999"]) == 2


def test_demo_writes_one_diagnosis_per_scenario(tmp_path):
    """The seed's scenarios in PyTorch, through the installed console script."""
    path = tmp_path / "demo.json"
    html = tmp_path / "html"
    result = subprocess.run([sys.executable, "-m", "nndoctor.cli", "demo", "--framework", "torch",
                             "--budget", "quick", "--json", str(path), "--html", str(html)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    diagnoses = json.loads(path.read_text())
    by_name = {d["scenario"]: d for d in diagnoses}
    assert set(by_name) == {"untrained", "small-lr", "large-lr", "sufficient-data", "insufficient-data"}
    assert by_name["untrained"]["primary_cause"] == "undertrained"
    assert by_name["sufficient-data"]["verdict"] == "healthy"
    assert by_name["insufficient-data"]["primary_cause"] in {"unreliable-evaluation", "too-little-data"}
    assert (html / "index.html").read_text().count("data:image/png;base64,") >= 5
