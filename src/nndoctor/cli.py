"""The command line: `nndoctor demo | rules | explain CODE|CAUSE | --version`."""

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

    commands.add_parser("rules", help="list the rules: code, cause, summary")
    explain = commands.add_parser("explain", help="show a rule's documentation (by code or cause id)")
    explain.add_argument("key", metavar="CODE|CAUSE")

    args = parser.parse_args(argv)
    console = Console()
    if args.command == "demo":
        return _demo(args, console)
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


def _rules(console) -> int:
    from .rules import all_rules

    table = Table(title="nndoctor rules")
    for column in ("code", "cause", "summary"):
        table.add_column(column)
    for rule in all_rules():
        table.add_row(rule.code, rule.cause, rule.summary)
    console.print(table)
    return 0


def _explain(key: str, console) -> int:
    from .rules import find_rule

    rules = find_rule(key)
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
