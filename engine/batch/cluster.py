"""A batch's tasks on a dask.distributed cluster: `nianbao check … --scheduler ADDRESS`.

The optional extra `nianbao[dask]` installs dask.distributed. The tasks are the pool's (convert an
input; check a converted one), so the entries are the same bytes in the same order as with
`--jobs`. What differs is where the data lives: a cluster worker has no access to this process's
store, so a check task carries the compressed documents it reads (the report and the reports its
compare names stand for), and converted documents come back to be stored here. Input paths must
be readable at the same path on every worker (a shared filesystem), and every worker needs the
same nianbao and rule packs installed. Results are yielded in input order, with at most `window`
tasks in flight, so neither side holds the whole batch.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from engine.batch.worker import _Worker, build_checker
from engine.errors import InputError

_WORKERS: dict[Any, Any] = {}  # on a cluster worker: configuration → its _Worker, built once


class Cluster:
    """A client of one dask scheduler, mapping batch tasks in order."""

    def __init__(self, address: Any, configuration: tuple[Any, ...], window: int = 256):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs dask.distributed: pip install 'nianbao[dask]'", str(address)) from None
        try:
            self.client = Client(address, timeout="30s")
        except (OSError, TimeoutError, ValueError) as error:  # ValueError: not an address (no port, …)
            raise InputError(f"cannot reach the dask scheduler: {error}", str(address)) from None
        self.configuration, self.window = configuration, window

    def map(self, tasks: Iterable[tuple[Any, ...]], prepare: Callable[[tuple[Any, ...]], tuple[Any, ...]]
            ) -> Iterator[Any]:
        """Each task's result, in task order; `prepare` adds what a task needs on a worker."""
        pending: deque[Any] = deque()
        for task in tasks:
            pending.append(self.client.submit(run_task, self.configuration, prepare(task), pure=False))
            if len(pending) >= self.window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self.client.close()


def run_task(configuration: tuple[Any, ...], task: tuple[Any, ...]) -> Any:
    """One task on a cluster worker (its checker built on first use, from the worker's own packs)."""
    worker = _WORKERS.get(configuration)
    if worker is None:
        spec, one_pass, passes = configuration
        worker = _WORKERS[configuration] = _Worker(build_checker(spec), None, one_pass, passes, keep=True)
    if task[0] == "convert":
        return worker.convert(task[1], task[2])
    return worker.check(task[1], task[2], task[3], task[4])
