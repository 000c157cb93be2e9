"""Progress on a terminal for `nianbao check` (cli.py calls it; the engine itself never prints).

One bar per phase (转换, 检查) on stderr with reports done, reports per second and time left. Off
the terminal (a pipe, a file, CI logs) it shows nothing; messages still go to stderr, one line each.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def _bars(console: Console | None) -> Progress:
    """The bars; rich is imported only here, since most runs (pipes, CI, one report) show none (~20 ms)."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                               TimeRemainingColumn)
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Reports per second."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.1f} 份/秒", style="progress.data.speed")

    # stdout is the scorecard's: never redirect it into the bars' console
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                    TextColumn("剩余"), TimeRemainingColumn(), console=console or Console(stderr=True),
                    transient=True, redirect_stdout=False, redirect_stderr=False)


class ProgressDisplay:
    """Progress bars while a batch runs (a terminal only); `message` prints above them."""

    def __init__(self, enabled: bool | None = None, console: Console | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.console = console  # default: stderr
        self.progress: Progress | None = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> ProgressDisplay:
        return self  # the bars (and rich's refresh thread) start with the first update: see engine.batch.run

    def __exit__(self, *exc: Any) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
            self.enabled = False

    def update(self, phase: str, done: int, total: int) -> None:
        """Phase `phase` has done `done` of `total` reports."""
        if not self.enabled:
            return
        if self.progress is None:
            self.progress = _bars(self.console)
            self.progress.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)

    def message(self, text: str) -> None:
        """One line on stderr, above the bars when they show."""
        if self.progress is not None:
            self.progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text, file=sys.stderr, flush=True)
