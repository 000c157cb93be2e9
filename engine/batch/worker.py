"""What a batch worker does with one task: convert an input, or check a stored document.

The pool processes (engine.batch.run), this process with --jobs 1, and dask workers
(engine.batch.cluster) all run a `_Worker`; its results are the same bytes wherever it runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from engine.batch.crossindex import Record
from engine.batch.single import Loaded, error_entry, load_input
from engine.batch.store import Store, decode_document, dump_blob
from engine.rules.catalog import select_packs
from engine.rules.evaluation import Checker
from engine.rules.expr.compare import Found, ReportSelector, report_info
from engine.scorecard.entry import check_report
from engine.similarity import normalise_agency, shingles, signature

_MISSING = "missing"  # how a task names a compare name with no eligible report (MISSING does not pickle)


@dataclass(frozen=True)
class CheckerSpec:
    """What decides the checker (--pack, --select, --ignore): workers build theirs from it."""

    packs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def build_checker(spec: CheckerSpec) -> Checker:
    """The checker `spec` describes (problems loading packs were reported by the caller already)."""
    packs, _, _ = select_packs(spec.packs)
    return Checker(packs, select=spec.select, ignore=spec.ignore)


class Converted(NamedTuple):
    """A pass-1 result: the index record, the document for the store, or the error entry."""

    number: int
    record: Record | None
    document: bytes | None  # dump_blob of the document without its text (when there is a store)
    text: str | None
    entry: bytes | None  # the entry's JSON (one-pass batches, and errors)


def _json(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _Worker:
    """What a pool process (or this one, with --jobs 1) does: convert, index, check."""

    def __init__(self, checker: Checker, store_path: str | None, one_pass: bool, passes: bool = True,
                 keep: bool | None = None):
        self.checker, self.store_path, self.one_pass, self.passes = checker, store_path, one_pass, passes
        # whether converted documents go back to the parent's store (a cluster worker has none itself)
        self.keep = store_path is not None if keep is None else keep
        self.store: Store | None = None

    def _store(self) -> Store:
        if self.store is None:  # opened on first use, in the process that uses it
            self.store = Store(self.store_path, readonly=True)  # type: ignore[arg-type]
        return self.store

    def convert(self, number: int, name: str) -> Converted:
        """Read and convert one input; a bad one gives its error entry, never an exception."""
        loaded = load_input(Path(name))
        document = loaded.document
        if document is None:
            return Converted(number, None, None, None, _json(error_entry(loaded)))
        text = document.get("text") if isinstance(document.get("text"), str) else ""
        # the MinHash signature serves only the cross-report rules (and a cache that a later run
        # with them may read): a one-pass run without a store skips it
        record = index_record(loaded, similar=self.store_path is not None or not self.one_pass)
        entry = _json(check_report(self.checker, document, passes=self.passes)) if self.one_pass else None
        blob = dump_blob({k: v for k, v in document.items() if k != "text"}) if self.keep else None
        return Converted(number, record, blob, text, entry)

    def check(self, number: int, key: str, bindings: dict[str, str | None],
              documents: dict[str, tuple[bytes, bytes]] | None = None) -> tuple[int, bytes]:
        """Check a stored document, the compare names bound to the stored documents `bindings` names
        (read from the store, or from `documents`, the stored rows a cluster task carries)."""
        loaded: dict[str, dict[str, Any]] = {}

        def read(target: str) -> dict[str, Any]:
            return decode_document(*documents[target]) if documents is not None else self._store().document(target)

        def lookup(selector: ReportSelector) -> Found | None:
            target = bindings.get(selector.key, _MISSING)
            if target == _MISSING:
                return None
            if target is None:
                return Found(None, None)
            if target not in loaded:
                loaded[target] = read(target)
            return Found(loaded[target], report_info(loaded[target]))

        document = read(key)
        with self.checker.comparing(lookup):
            return number, _json(check_report(self.checker, document, passes=self.passes))


def index_record(loaded: Loaded, similar: bool = True) -> Record:
    """The index record of a converted input (engine.batch.crossindex); `similar`: with its signature."""
    document, sha256, name = loaded.document or {}, loaded.sha256 or "", loaded.path.name
    meta = document.get("meta") or {}
    agency = meta.get("agency")
    year = meta.get("year") if isinstance(meta.get("year"), int) else None
    text = document.get("text") if isinstance(document.get("text"), str) else ""
    return Record(sha256, name, normalise_agency(agency), year, document.get("template"),
                  signature(shingles(text, [agency])) if similar else None)
