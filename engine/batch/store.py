"""The batch store: converted documents and scorecard entries in one SQLite file (stdlib sqlite3).

`.nianbao-cache/cache.sqlite3` (or `--cache-dir`) keeps, across runs:
- documents, keyed by the input's SHA-256, its file name (the document records it) and the engine
  fingerprint: the compressed document, its text, and the index record a batch needs (agency, year,
  template, MinHash signature), so a rerun converts nothing;
- the compare bindings of a whole batch (which report each compare name of each report stood for),
  keyed by the packs, the selectors and every input's document key, so an unchanged batch's rerun
  skips the similarity search;
- entries, keyed by the document key, the packs fingerprint (engine, pack names, versions and the
  SHA-256 of each pack file, plugin versions, the selected rules) and the bindings fingerprint (which
  report each compare name stood for): the scorecard entry exactly as JSON bytes. Fresh and cached
  entries are both decoded from those bytes, so they are byte-identical.
With `--no-cache` a batch that needs two passes uses the same store in a temporary directory.
Entries with an error are not stored (their message names the path). Nothing is ever evicted:
delete the directory to reclaim the space.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import engine
from engine.batch.crossindex import Record

CACHE_DIR = ".nianbao-cache"
FILE_NAME = "cache.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key TEXT PRIMARY KEY, sha256 TEXT NOT NULL, name TEXT NOT NULL, agency TEXT, year INTEGER,
    template TEXT, signature BLOB, document BLOB NOT NULL, text BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bindings (key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


def _digest(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Modules that only present results: changing them changes no document and no entry.
_PRESENTATION = ("outputs",)


@functools.cache
def engine_fingerprint() -> str:
    """The engine's version and a hash of its code, schemas and data: any change converts afresh."""
    digest = hashlib.sha256(engine.__version__.encode())
    roots = [Path(engine.__file__).parent]
    try:
        from importlib.resources import files

        roots.append(Path(str(files("nianbao_schemas"))))
    except (ImportError, TypeError):  # schemas not installed as a package: the engine hash still holds
        pass
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".json", ".lark") and p.is_file()
                           and p.relative_to(root).parts[0] not in _PRESENTATION):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{engine.__version__}+{digest.hexdigest()[:16]}"


def packs_fingerprint(checker: Any) -> str:
    """What a report's entry depends on besides the report: engine, packs (by content), plugins, rules."""
    packs = []
    for pack in checker.packs:
        try:
            content = hashlib.sha256(Path(pack.path).read_bytes()).hexdigest()
        except OSError:
            content = None
        packs.append([pack.name, pack.version, content])
    plugins = sorted({f"{ep.dist.name}=={ep.dist.version}" for ep in metadata.entry_points(group="nianbao")
                      if ep.dist is not None})
    rules = [[pack.name, rule.code] for pack, rule in checker.rules]
    return _digest([engine_fingerprint(), packs, plugins, rules])


def document_key(sha256: str, name: str) -> str:
    """The key of a converted document: the input's content and file name, and the engine."""
    return _digest([sha256, name, engine_fingerprint()])


def entry_key(doc_key: str, packs: str, bindings: Iterable[Any]) -> str:
    """The key of a scorecard entry: the document, the packs and what each compare name stood for."""
    return _digest([doc_key, packs, list(bindings)])


def bindings_key(packs: str, selectors: Iterable[str], doc_keys: Iterable[str | None]) -> str:
    """The key of a batch's resolved compare names: the packs, the selectors and every input's document."""
    return _digest([packs, list(selectors), list(doc_keys)])


def dump_blob(value: Any) -> bytes:
    """JSON, compressed (fast zlib: the store is read far more often than written)."""
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)


def load_blob(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def decode_document(blob: bytes, text: bytes) -> dict[str, Any]:
    """A document from its stored row (`Store.raw`), its text put back."""
    document = load_blob(blob)
    document["text"] = zlib.decompress(text).decode("utf-8")
    return document


class Store:
    """One SQLite file; open one Store per process (never share a connection across a fork)."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        if readonly:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=60)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60)
            self.db.execute("PRAGMA journal_mode=WAL")  # workers read while the parent writes
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        self.pending = 0

    def record(self, key: str) -> Record | None:
        """The index record of a stored document, or None."""
        row = self.db.execute("SELECT sha256, name, agency, year, template, signature FROM documents WHERE key=?",
                              (key,)).fetchone()
        return None if row is None else Record(*row)

    def put_document(self, key: str, record: Record, document: bytes, text: bytes) -> None:
        """Store a converted document (`dump_blob`, without its text) and its text (compressed UTF-8)."""
        self.db.execute("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?)",
                        (key, record.sha256, record.name, record.agency, record.year, record.template,
                         record.signature, document, text))
        self._wrote()

    def raw(self, key: str) -> tuple[bytes, bytes]:
        """A stored document as stored: (its blob, its compressed text), for `decode_document`."""
        row = self.db.execute("SELECT document, text FROM documents WHERE key=?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0], row[1]

    def document(self, key: str) -> dict[str, Any]:
        """A stored document, its text put back."""
        return decode_document(*self.raw(key))

    def text(self, key: str) -> str | None:
        """A stored document's text, or None."""
        row = self.db.execute("SELECT text FROM documents WHERE key=?", (key,)).fetchone()
        return None if row is None else zlib.decompress(row[0]).decode("utf-8")

    def entry(self, key: str) -> bytes | None:
        """A stored scorecard entry's JSON bytes, or None."""
        row = self.db.execute("SELECT entry FROM entries WHERE key=?", (key,)).fetchone()
        return None if row is None else zlib.decompress(row[0])

    def bindings(self, key: str) -> Any:
        """A batch's stored compare bindings (`bindings_key`), or None."""
        row = self.db.execute("SELECT value FROM bindings WHERE key=?", (key,)).fetchone()
        return None if row is None else load_blob(row[0])

    def put_bindings(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO bindings VALUES (?,?)", (key, dump_blob(value)))
        self._wrote()

    def has_entry(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM entries WHERE key=?", (key,)).fetchone() is not None

    def put_entry(self, key: str, entry: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO entries VALUES (?,?)", (key, zlib.compress(entry, 1)))
        self._wrote()

    def _wrote(self) -> None:
        self.pending += 1
        if self.pending >= 500:  # one transaction per few hundred rows: fast, and little lost on a crash
            self.commit()

    def commit(self) -> None:
        if self.pending:
            self.db.commit()
            self.pending = 0

    def close(self) -> None:
        self.commit()
        self.db.close()
