"""Terminal report: a diagnosis dict rendered with rich.

Only renders what `Diagnosis.to_dict()` holds; computes no evidence. All user-derived text goes
into `Text` objects, never into markup strings, so a message like "[N,1] vs [N]" is shown as is
instead of being read as rich markup.
"""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import _format as f

VERDICT_STYLES = {"healthy": "bold green", "problems-found": "bold red", "inconclusive": "bold yellow"}
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
NARROW = 80
"""Below this width tables with many columns wrap every cell; findings become stacked blocks."""


class TerminalReport:
    """A rich renderable that picks its layout from the width it is given at print time."""

    def __init__(self, d: dict):
        self.d = d

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        narrow = options.max_width < NARROW
        d = self.d
        yield _header(d)
        for part in (_metrics(d, narrow), _findings(d, narrow), _ruled_out(d), _errors(d),
                     _experiments(d, narrow)):
            if part is not None:
                yield part


def render_terminal(d: dict) -> TerminalReport:
    """The diagnosis as a rich renderable: ``Console().print(render_terminal(d))``."""
    return TerminalReport(d)


def render_text(d: dict, width: int = 100) -> str:
    """The terminal report as plain text (no colour codes), for tests and logs."""
    console = Console(record=True, width=width, file=io.StringIO(), color_system=None)
    console.print(render_terminal(d))
    return console.export_text()


def _add_row(table: Table, *cells: Any) -> None:
    """Add a row with plain strings as `Text`, so brackets in them are not read as markup."""
    table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells))


def _header(d: dict) -> Panel:
    verdict = d.get("verdict")
    style = VERDICT_STYLES.get(verdict, "bold")
    lines = [Text.assemble(("verdict: ", "bold"), (f.verdict_label(verdict), style))]
    cause = d.get("primary_cause")
    if cause:
        line = Text.assemble(("primary cause: ", "bold"), (str(cause), style))
        if f.cause_text(cause) and cause != "healthy":
            line.append(f" — {f.cause_text(cause)}", "dim")
        lines.append(line)
    lines.append(Text(f"{f.task_line(d)} · {f.seconds(d.get('seconds'))}"))
    details = d.get("details")
    for label, text in (("model", f.model_line(details)), ("data", f.data_line(details))):
        if text:
            lines.append(Text.assemble((f"{label}: ", "dim bold"), (text, "dim")))
    return Panel(Group(*lines), title=Text(f"nndoctor · {f.title(d)}", style="bold"),
                 title_align="left", border_style=style.replace("bold ", ""), box=box.ROUNDED)


def _metrics(d: dict, narrow: bool):
    metrics = d.get("metrics") or {}
    acc, scalars = f.accuracy_metrics(metrics), f.scalar_metrics(metrics)
    if not acc and not scalars:
        return None
    if narrow:
        lines = [Text("Metrics", style="bold")]
        for name, m in acc:
            lines.append(Text(f.metric_text(name, m), style="bold"))
            lines.append(Text(f"  chance {f.num(m.get('chance'))} · majority {f.num(m.get('majority'))}"))
            for part in f.chance_text(m).split("; "):
                lines.append(_chance_line(m, "  " + part))
        lines.extend(Text(f.metric_text(name, v)) for name, v in scalars)
        return Group(*lines)
    # Padding (0, 1) instead of rich's default keeps all eight columns inside 100 characters.
    table = Table(title="Metrics", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD,
                  padding=(0, 1))
    columns = [("metric", "left"), ("value", "right")]
    if acc:
        columns += [("95% CI", "center"), ("k/n", "right"), ("chance", "right"), ("majority", "right"),
                    ("> chance", "left"), ("> majority", "left")]
    for col, justify in columns:
        table.add_column(col, justify=justify)
    for name, m in acc:
        counts = f"{m.get('correct')}/{m.get('n')}" if m.get("n") is not None else f.MISSING
        _add_row(table, name, f.num(m.get("value")), f.ci(m.get("ci95")), counts,
                 f.num(m.get("chance")), f.num(m.get("majority")),
                 _beats(m.get("better_than_chance"), m.get("p_vs_chance")),
                 _beats(m.get("better_than_majority"), m.get("p_vs_majority")))
    for name, v in scalars:
        _add_row(table, name, f.num(v), *[""] * (len(columns) - 2))
    return table


def _beats(flag: Any, p: Any) -> Text:
    # Red when the accuracy cannot be told apart from guessing: that is the symptom the user
    # came with, so it must stand out.
    if flag is None:
        return Text("untested", style="yellow")
    return Text(f"{'yes' if flag else 'NO'} (p={f.pval(p)})", style="green" if flag else "bold red")


def _chance_line(m: dict, text: str) -> Text:
    good = m.get("better_than_chance")
    style = "green" if good else "bold red" if good is False else "yellow"
    return Text(text, style=style)


def _finding_body(fd: dict) -> Text:
    """Message, fix, fix code, verification and confirming experiments of one finding."""
    parts = []
    if fd.get("message"):
        parts.append(Text(str(fd["message"])))
    if fd.get("fix"):
        parts.append(Text.assemble(("fix: ", "bold green"), str(fd["fix"])))
    if fd.get("fix_code"):
        parts.append(Text(str(fd["fix_code"]), style="green"))
    if fd.get("verified") is not None:
        parts.append(Text.assemble(("verified: ", "bold"), f.verified_text(fd["verified"])))
    if fd.get("confirmed_by"):
        parts.append(Text.assemble(("confirmed by: ", "dim bold"),
                                   (", ".join(map(str, fd["confirmed_by"])), "dim")))
    return Text("\n").join(parts)


def _confidence(fd: dict) -> str:
    c = fd.get("confidence")
    return f"{c:.0%}" if f.is_num(c) else f.MISSING


def _findings(d: dict, narrow: bool):
    findings = d.get("findings") or []
    if not findings:
        return Text("\nNo findings: no rule found a cause.", style="green")
    if narrow:
        blocks = [Text("\nFindings (most likely first)", style="bold")]
        for i, fd in enumerate(findings, 1):
            sev = str(fd.get("severity") or "?")
            head = Text.assemble(f"{i}. ", (sev.upper(), SEVERITY_STYLES.get(sev, "")), " ",
                                 (str(fd.get("cause")), "bold"), f" ({fd.get('rule')}, {_confidence(fd)})")
            blocks.append(Group(head, Padding(_finding_body(fd), (0, 0, 0, 3))))
        return Group(*blocks)
    table = Table(title="Findings (most likely first)", title_justify="left", title_style="bold",
                  box=box.SIMPLE_HEAD, show_lines=True, expand=True)
    table.add_column("#", justify="right", width=2)
    table.add_column("severity", no_wrap=True)
    table.add_column("cause / rule", max_width=28)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("what was seen · fix", ratio=1)
    for i, fd in enumerate(findings, 1):
        sev = str(fd.get("severity") or "?")
        cause = Text(str(fd.get("cause")), style="bold").append(f"\n{fd.get('rule')}", "dim")
        _add_row(table, str(i), Text(sev, style=SEVERITY_STYLES.get(sev, "")), cause,
                      _confidence(fd), _finding_body(fd))
    return table


def _ruled_out(d: dict):
    items = d.get("ruled_out") or []
    if not items:
        return None
    lines = [Text("\nRuled out", style="bold")]
    for r in items:
        lines.append(Text.assemble(("✓ ", "green"), (str(r.get("cause")), "bold"), f": {r.get('why') or ''}"))
    return Group(*lines)


def _errors(d: dict):
    items = d.get("errors") or []
    if not items:
        return None
    lines = [Text("\nErrors (the diagnosis went on without these)", style="bold red")]
    for e in items:
        lines.append(Text.assemble(("✗ ", "red"), (str(e.get("where") or "unknown"), "bold"),
                                   f": {e.get('error') or 'no message'}"))
    return Group(*lines)


def _experiments(d: dict, narrow: bool):
    items = d.get("experiments") or []
    if not items:
        return None
    table = Table(title="Experiments", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    table.add_column("name")
    table.add_column("seconds", justify="right", no_wrap=True)
    if not narrow:
        table.add_column("result", overflow="ellipsis", no_wrap=True, max_width=60)
    for e in items:
        row: list[Any] = [str(e.get("name")), f.seconds(e.get("seconds"))]
        if not narrow:
            row.append(f.result_summary(e.get("result")))
        _add_row(table, *row)
    return table
