"""A progress display for the stages of a diagnosis: a rich bar on a terminal, silence elsewhere."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class DiagnosisProgress:
    """``verbose=0``: silent. ``verbose=1``: a bar against the time budget on a terminal, silent
    elsewhere. ``verbose>=2``: plain lines when not on a terminal (logs, CI). Each stage and
    experiment is named as it starts."""

    def __init__(self, verbose: int, budget_seconds: float | None, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.live = verbose >= 1 and self.console.is_terminal
        self.enabled = self.live or verbose >= 2
        self.start = time.perf_counter()
        self.progress = None
        if self.live:
            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                     TimeElapsedColumn(), console=self.console, transient=True)
            self.task = self.progress.add_task("nndoctor", total=budget_seconds)
            self.progress.start()

    def stage(self, text: str) -> None:
        if not self.enabled:
            return
        if self.live:
            self.progress.update(self.task, description=f"nndoctor: {text}",
                                 completed=time.perf_counter() - self.start)
        else:
            self.console.print(f"nndoctor: {text}", highlight=False)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
