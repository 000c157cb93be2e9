"""Checking a batch of reports: a process pool, two passes when rules compare reports, a cache.

    with Batch(paths, CheckerSpec(...), checker, jobs=2, cache_dir=Path(".nianbao-cache")) as batch:
        for path, entry, text in batch.run(progress):
            ...                                   # one entry per path, in the order of `paths`

Pass 1 converts every report (workers, chunked `imap`, input order kept) and keeps only a small
index record of each (engine.batch.crossindex); the documents go to the store (engine.batch.store: the cache, or
a temporary file with --no-cache). Pass 2 resolves every compare name from the index (in this
process: it is deterministic and cheap) and checks each report in the workers, which load the
report and the reports it compares with from the store. When no selected rule compares reports,
one pass converts and checks. Entries already in the cache are not recomputed. Memory stays flat:
no pass holds more than the index and the results in flight. The engine never prints: progress
goes to the `progress(phase, done, total)` callback.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from engine.batch.crossindex import CrossIndex, Record
from engine.batch.store import FILE_NAME, Store, bindings_key, document_key, entry_key, packs_fingerprint
from engine.batch.worker import _MISSING, CheckerSpec, Converted, _Worker, build_checker, index_record
from engine.rules.evaluation import Checker
from engine.rules.expr.compare import MISSING

__all__ = ["Batch", "CheckerSpec", "build_checker", "default_jobs", "index_record"]

Progress = Callable[[str, int, int], None]  # (phase, reports done, reports in all)
CONVERTING, CHECKING = "转换", "检查"


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_STATE: list[_Worker] = []  # the worker of this process (set by _init, or by Batch for --jobs 1)
_FORKED: list[tuple[CheckerSpec, Checker]] = []  # the parent's checker, which forked workers inherit


def _init(spec: CheckerSpec, store_path: str | None, one_pass: bool, passes: bool = True) -> None:
    """Pool initializer: the packs, once per worker (a forked worker has the parent's loaded already)."""
    # Ctrl-C is the parent's to handle (it terminates the pool): a worker that took it would print
    # a traceback and could leave the parent waiting for a result that never comes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inherited = next((checker for given, checker in _FORKED if given == spec), None)
    _STATE[:] = [_Worker(inherited or build_checker(spec), store_path, one_pass, passes)]


def _task(task: tuple[Any, ...]) -> Any:
    worker = _STATE[0]
    if task[0] == "convert":
        return worker.convert(task[1], task[2])
    return worker.check(task[1], task[2], task[3])


class Batch:
    """One `nianbao check` run over many inputs (use it as a context manager: it owns a pool)."""

    def __init__(self, paths: Sequence[Path], spec: CheckerSpec, checker: Checker, jobs: int = 1,
                 cache_dir: Path | None = None, passes: bool = True, scheduler: Any = None, texts: bool = True):
        self.paths, self.spec, self.checker, self.passes = list(paths), spec, checker, passes
        self.texts = texts  # whether run() yields the report texts (a stored text is read and unzipped)
        self.scheduler = scheduler  # a dask scheduler's address: the tasks run there (engine.batch.cluster)
        self.cluster: Any = None
        self.jobs = max(1, min(jobs, len(self.paths)))
        self.cache_dir = cache_dir
        self.one_pass = not checker.compares
        self.selectors = list({s.key: s for _, rule in checker.rules if rule.compare
                               for s in rule.compare.names.values()}.values())
        self.store: Store | None = None
        self.temp: str | None = None
        self.pool: Any = None
        self.warning: str | None = None  # why the cache is not used, for the caller to show

    def __enter__(self) -> Batch:
        store_path = None
        if self.cache_dir is not None:
            store_path = str(Path(self.cache_dir) / FILE_NAME)
        elif not self.one_pass:
            self.temp = tempfile.mkdtemp(prefix="nianbao-")
            store_path = str(Path(self.temp) / FILE_NAME)
        if store_path is not None:
            try:
                self.store = Store(store_path)
            except Exception as error:  # noqa: BLE001 - OSError, sqlite3.Error: run on without the cache
                self.warning = f"cache {store_path}: {error}; continuing without it"
                if self.one_pass or self.temp:
                    store_path, self.store = None, None
                else:  # two passes need a store: fall back to a temporary one
                    self.temp = tempfile.mkdtemp(prefix="nianbao-")
                    store_path = str(Path(self.temp) / FILE_NAME)
                    self.store = Store(store_path)
                self.cache_dir = None
        self.store_path = store_path
        if self.jobs == 1:
            _STATE[:] = [_Worker(self.checker, store_path, self.one_pass, self.passes)]
        if self.scheduler is not None:
            try:
                self._start_pool()  # connect now: an unreachable scheduler fails before any output
            except BaseException:  # no `with` body runs, so no __exit__: close the store here
                self.__exit__(*sys.exc_info())
                raise
        return self

    def _start_pool(self) -> None:
        """Start the workers, once, when there is work for them and before the first progress report
        (a fork must not copy a running progress thread)."""
        if self.scheduler is not None:
            if self.cluster is None:
                from engine.batch.cluster import Cluster  # dask is an optional extra

                self.cluster = Cluster(self.scheduler, (self.spec, self.one_pass, self.passes))
            return
        if self.jobs > 1 and self.pool is None:
            _FORKED[:] = [(self.spec, self.checker)]
            with _no_interrupt():  # workers start with SIGINT ignored, not just after _init ran
                self.pool = multiprocessing.get_context().Pool(self.jobs, _init, (self.spec, self.store_path,
                                                                                  self.one_pass, self.passes))

    def __exit__(self, *exc: Any) -> None:
        with _no_interrupt():  # a second Ctrl-C must not cut the cleanup short (pool, cache commit)
            self._close(exc[0] is not None)

    def _close(self, failed: bool) -> None:
        if self.cluster is not None:
            self.cluster.close()
        if self.pool is not None:
            self.pool.terminate() if failed else self.pool.close()
            self.pool.join()
        _FORKED.clear()
        for worker in _STATE:
            if worker.store is not None:
                worker.store.close()
        _STATE.clear()
        if self.store is not None:
            self.store.close()
        if self.temp:
            shutil.rmtree(self.temp, ignore_errors=True)

    def _map(self, tasks: Iterable[tuple[Any, ...]], count: int) -> Iterator[Any]:
        if self.cluster is not None:
            return self.cluster.map(tasks, self._with_documents)
        if self.pool is None:  # --jobs 1, or nothing to do
            return map(_task, tasks)
        chunk = max(1, min(16, count // (self.jobs * 4)))
        return self.pool.imap(_task, tasks, chunk)

    def _with_documents(self, task: tuple[Any, ...]) -> tuple[Any, ...]:
        """A task as a cluster worker needs it: a check carries the stored rows of what it reads."""
        if task[0] != "check":
            return task
        wanted = {task[2], *(target for target in task[3].values() if target not in (None, _MISSING))}
        return (*task, {key: self.store.raw(key) for key in sorted(wanted)})  # type: ignore[union-attr]

    @property
    def caching(self) -> bool:
        return self.store is not None and self.cache_dir is not None

    def run(self, progress: Progress | None = None) -> Iterator[tuple[Path, dict[str, Any], str | None]]:
        """Every input's (path, scorecard entry, report text), in input order."""
        tell = progress or (lambda phase, done, total: None)
        packs = packs_fingerprint(self.checker) if self.caching else ""
        packs += "" if self.passes else "/passes-summarised"  # the entry's form is part of its key
        keys = self._known_documents()
        if self.one_pass:
            yield from self._one_pass(keys, packs, tell)
        else:
            yield from self._two_passes(keys, packs, tell)

    def _known_documents(self) -> list[str | None]:
        """Each input's document key when the cache has its document already (else None)."""
        keys: list[str | None] = [None] * len(self.paths)
        if not self.caching:
            return keys
        for number, path in enumerate(self.paths):
            try:
                sha256 = _file_sha256(path)
            except OSError:
                continue  # the worker reports it
            key = document_key(sha256, path.name)
            if self.store.record(key) is not None:  # type: ignore[union-attr]
                keys[number] = key
        return keys

    def _one_pass(self, keys: list[str | None], packs: str, tell: Progress) -> Iterator[Any]:
        n = len(self.paths)
        cached: dict[int, str] = {}
        tasks: list[tuple[Any, ...]] = []
        for number, key in enumerate(keys):
            if key and self.caching and self.store.has_entry(entry_key(key, packs, [])):  # type: ignore[union-attr]
                cached[number] = key  # type: ignore[assignment]
            elif key is not None:
                tasks.append(("check", number, key, {}))
            else:
                tasks.append(("convert", number, str(self.paths[number])))
        if tasks:
            self._start_pool()
        results = self._map(iter(tasks), len(tasks))
        for number, path in enumerate(self.paths):
            key: str | None = None
            if number in cached:
                key = cached[number]
                entry, text = self.store.entry(entry_key(key, packs, [])), self._text(key)  # type: ignore[union-attr]
                fresh = False
            else:
                result, fresh = next(results), True
                if isinstance(result, Converted):
                    entry, text = result.entry, result.text
                    if result.record is not None:
                        key = self._keep(result)
                else:
                    key = keys[number]
                    entry, text = result[1], self._text(key)  # type: ignore[arg-type]
            loaded = json.loads(entry)  # type: ignore[arg-type]  # fresh or cached: decoded from the same bytes
            if fresh and key and self.caching and loaded.get("error") is None:
                self.store.put_entry(entry_key(key, packs, []), entry)  # type: ignore[union-attr, arg-type]
            tell(CHECKING, number + 1, n)
            yield path, loaded, text

    def _text(self, key: str) -> str | None:
        """A stored report's text, when the output shows report lines (json and jsonl do not)."""
        return self.store.text(key) if self.texts else None  # type: ignore[union-attr]

    def _keep(self, result: Converted) -> str:
        """Store a converted document; its key."""
        record = result.record
        assert record is not None
        key = document_key(record.sha256, record.name)
        if self.store is not None and result.document is not None:
            self.store.put_document(key, record, result.document, zlib.compress((result.text or "").encode(), 1))
        return key

    def _two_passes(self, keys: list[str | None], packs: str, tell: Progress) -> Iterator[Any]:
        n = len(self.paths)
        records: list[Record | None] = [self.store.record(k) if k else None for k in keys]  # type: ignore[union-attr]
        errors: dict[int, bytes] = {}
        done = sum(1 for key in keys if key)
        todo = [number for number, key in enumerate(keys) if key is None]
        if todo:
            self._start_pool()
            tell(CONVERTING, done, n)
        for result in self._map((("convert", number, str(self.paths[number])) for number in todo), len(todo)):
            if result.record is None:
                errors[result.number] = result.entry  # type: ignore[assignment]
            else:
                keys[result.number] = self._keep(result)
                records[result.number] = result.record
            done += 1
            tell(CONVERTING, done, n)
        self.store.commit()  # type: ignore[union-attr]  # the workers read what pass 1 stored
        bindings = self._bindings(records, keys, packs)
        cached: set[int] = set()
        for number, bound in bindings.items():
            if self.caching and self.store.has_entry(entry_key(keys[number], packs, sorted(bound.items()))):  # type: ignore
                cached.add(number)
        del records  # resolved: pass 2 needs only the bindings
        tasks = (("check", number, keys[number], bindings[number]) for number in sorted(bindings)
                 if number not in cached)
        if len(bindings) > len(cached):
            self._start_pool()  # no progress shown yet unless pass 1 started the workers already
        results = self._map(tasks, len(bindings) - len(cached))
        for number, path in enumerate(self.paths):
            text, fresh = None, False
            if number in errors:
                entry = errors[number]
            else:
                key = keys[number]
                ekey = entry_key(key, packs, sorted(bindings[number].items()))  # type: ignore[arg-type]
                if number in cached:
                    entry = self.store.entry(ekey)  # type: ignore[union-attr]
                else:
                    entry, fresh = next(results)[1], True
                text = self._text(key)  # type: ignore[arg-type]
            loaded = json.loads(entry)  # type: ignore[arg-type]  # fresh or cached: decoded from the same bytes
            if fresh and self.caching and loaded.get("error") is None:
                self.store.put_entry(ekey, entry)  # type: ignore[union-attr, arg-type]
            tell(CHECKING, number + 1, n)
            yield path, loaded, text

    def _bindings(self, records: list[Record | None], keys: list[str | None], packs: str
                  ) -> dict[int, dict[str, str | None]]:
        """Each readable report's compare names → the document key each stands for (None, or missing).

        Resolving searches the similarity index for every report; a cached batch whose inputs are
        all unchanged reads the answer from the store instead (it depends on nothing else).
        """
        memo = bindings_key(packs, [s.key for s in self.selectors], keys) if self.caching else None
        if memo is not None:
            stored = self.store.bindings(memo)  # type: ignore[union-attr]
            if stored is not None:
                return {int(number): bound for number, bound in stored}
        index = CrossIndex()
        for number, record in enumerate(records):
            if record is not None:
                index.add(number, record)
        bindings = {number: {s.key: _target(index.resolve(number, s), keys) for s in self.selectors}
                    for number, record in enumerate(records) if record is not None}
        if memo is not None:
            self.store.put_bindings(memo, list(bindings.items()))  # type: ignore[union-attr]
        return bindings


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """SIGINT ignored for the duration (in the main thread only; elsewhere nothing changes)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals are not ours to change
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def _target(found: int | None | object, keys: list[str | None]) -> str | None:
    """How a check task names a compare name's report: its document key, None, or "missing"."""
    if found is MISSING:
        return _MISSING
    return None if found is None else keys[found]  # type: ignore[index]


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
