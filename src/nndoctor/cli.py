"""The command line: `nndoctor run SCRIPT | demo | rules | explain CODE|CAUSE | --version`."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from . import __version__
from .causes import CAUSES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nndoctor", description="Why does my network give random predictions?")
    parser.add_argument("--version", action="version", version=f"nndoctor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="diagnose the seed document's scenarios in Keras and PyTorch")
    demo.add_argument("--json", metavar="PATH", help="write the diagnoses as a JSON list")
    demo.add_argument("--html", metavar="DIR", help="write DIR/index.html")
    demo.add_argument("--framework", choices=("keras", "torch", "both"), default="both")
    demo.add_argument("--budget", default="standard", help="quick | standard | thorough | seconds")

    run = commands.add_parser("run", help="run a training script unmodified, then diagnose every model it trained")
    run.add_argument("--json", metavar="PATH", help="write the diagnosis (or diagnoses) as JSON")
    run.add_argument("--html", metavar="DIR", help="write DIR/index.html")
    run.add_argument("--budget", default="standard", help="quick | standard | thorough | seconds (per model)")
    run.add_argument("--no-clock", action="store_true",
                     help="run every planned experiment however long it takes: the budget's steps, "
                          "no time limit (the same diagnosis on a busy machine as on an idle one)")
    run.add_argument("--fail-on", choices=("never", "warning", "error"), default="never",
                     help="exit 1 when a finding reaches this severity (default: the script's exit code)")
    run.add_argument("script", help="the Python script to run")
    run.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")

    commands.add_parser("rules", help="list the rules: code, cause, summary")
    explain = commands.add_parser("explain", help="show a rule's documentation (by code or cause id)")
    explain.add_argument("key", metavar="CODE|CAUSE")

    args = parser.parse_args(argv)
    console = Console()
    if args.command == "demo":
        return _demo(args, console)
    if args.command == "run":
        return _run(args, console)
    if args.command == "rules":
        return _rules(console)
    if args.command == "explain":
        return _explain(args.key, console)
    parser.print_help()
    return 0


def _demo(args, console) -> int:
    from .demo import run_demo

    frameworks = ("keras", "torch") if args.framework == "both" else (args.framework,)
    budget = float(args.budget) if args.budget.replace(".", "", 1).isdigit() else args.budget
    run_demo(frameworks=frameworks, json_path=args.json, html_dir=args.html, console=console, budget=budget)
    return 0


def _run(args, console) -> int:
    """Run the script as python would (output, exit code), then print and write the diagnosis."""
    from pathlib import Path

    from .intercept import run_script
    from .report.json import dumps

    if not Path(args.script).is_file():
        console.print(f"[red]nndoctor run: no such script: {args.script!r}[/]")
        return 2
    budget = float(args.budget) if args.budget.replace(".", "", 1).isdigit() else args.budget
    if args.no_clock:
        from ._validation import Budget, check_budget

        try:
            steps = check_budget(budget).steps
        except ValueError as exc:
            console.print(f"[red]nndoctor run: {exc}[/]")
            return 2
        budget = Budget(steps=steps, seconds=None, name=f"{args.budget}, no clock")
    result = run_script(args.script, args.args, budget=budget)
    for label, diagnosis in result.diagnoses:
        console.rule(f"nndoctor: {label}")
        diagnosis.show(console)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(dumps(result.to_dict()))
        console.print(f"JSON: {args.json}")
    if args.html:
        from .report.html import render_html

        out = Path(args.html)
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text(render_html(
            [{"scenario": label, **d.to_dict()} for label, d in result.diagnoses],
            title=f"nndoctor: {Path(args.script).name}"), encoding="utf-8")
        console.print(f"HTML: {out / 'index.html'}")
    levels = {"warning": ("error", "warning"), "error": ("error",)}.get(args.fail_on, ())
    if any(f.severity in levels for f in result.findings()):
        return 1
    return result.exit_code


def _rules(console) -> int:
    from .intercept.script_rules import SCRIPT_RULES
    from .rules import all_rules

    table = Table(title="nndoctor rules")
    for column in ("code", "cause", "summary"):
        table.add_column(column)
    for rule in all_rules():
        table.add_row(rule.code, rule.cause, rule.summary)
    for rule in SCRIPT_RULES:
        table.add_row(rule.code, rule.cause, f"{rule.summary} (nndoctor run only)")
    console.print(table)
    return 0


def _explain(key: str, console) -> int:
    from .intercept.script_rules import find_script_rule
    from .rules import find_rule

    rules = find_rule(key) + find_script_rule(key)
    if not rules:
        if key in CAUSES:
            console.print(f"[bold]{key}[/]: {CAUSES[key]}\n(no rule checks this cause yet)")
            return 0
        console.print(f"[red]unknown rule code or cause id: {key!r}[/] (see `nndoctor rules`)")
        return 2
    for rule in rules:
        console.print(Markdown(f"# {rule.code} · {rule.cause}\n\n{rule.doc()}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
