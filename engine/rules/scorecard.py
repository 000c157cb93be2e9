"""Assemble `nianbao check --format json` output (schemas/scorecard.schema.json, nianbao-scorecard/1).

Keys are built in a fixed order and nothing depends on set or dict iteration of unordered input, so
`json.dumps(card, ensure_ascii=False, indent=2)` is byte-identical across runs.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from importlib.resources import files
from typing import Any

from engine import __version__
from engine.rules.evaluation import OUTCOMES, Checker, Result
from engine.rules.packs import Pack

FORMAT = "nianbao-scorecard/1"
SCHEMA_FILE = "scorecard.schema.json"


def summarize(results: Iterable[Result]) -> dict[str, int]:
    """The number of results of each outcome, every outcome present, in a fixed order."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for result in results:
        counts[result["outcome"]] += 1
    return counts


def pack_entry(pack: Pack) -> dict[str, Any]:
    """A pack as the scorecard lists it."""
    return {"name": pack.name, "version": pack.version, "title": pack.title, "scope": pack.scope.as_dict()}


def _source(document: dict[str, Any] | None, source: dict[str, Any] | None) -> dict[str, Any]:
    meta_source = ((document or {}).get("meta") or {}).get("source") or {}
    given = source or {}

    def pick(key: str) -> Any:
        return given[key] if given.get(key) is not None else meta_source.get(key)

    return {"name": pick("name") or "", "sha256": pick("sha256"), "format": pick("format")}


def report_entry(document: dict[str, Any] | None, results: Sequence[Result] = (), *,
                 source: dict[str, Any] | None = None, error: str | None = None,
                 notes: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """One report of the scorecard: its source, meta, template, results, summary and notes.

    `source` ({name, sha256, format}) defaults to the document's meta.source; when the report could
    not be converted, pass document=None and a one-line `error`.
    """
    document = document if isinstance(document, dict) else None
    return {
        "source": _source(document, source),
        "meta": document.get("meta") if document else None,
        "template": document.get("template") if document else None,
        "error": error,
        "results": list(results),
        "summary": summarize(results),
        "notes": [_note(note) for note in notes],
    }


def _note(note: dict[str, Any]) -> dict[str, Any]:
    out = {"code": str(note.get("code", "")), "message": str(note.get("message", ""))}
    for key in ("pointer", "line", "pack"):
        if key in note:
            out[key] = note[key]
    return out


def check_report(checker: Checker, document: dict[str, Any], *, source: dict[str, Any] | None = None,
                 conversion_notes: bool = True) -> dict[str, Any]:
    """Check one document and return its scorecard entry (conversion notes first, then the checker's)."""
    results = checker.check(document)
    notes = list(document.get("notes") or ()) if conversion_notes else []
    return report_entry(document, results, source=source, notes=notes + checker.notes(document))


def scorecard(packs: Iterable[Pack], reports: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The whole scorecard: format, engine version, packs used, and one entry per report."""
    return {
        "scorecard": FORMAT,
        "engine": __version__,
        "packs": [pack_entry(pack) for pack in packs],
        "reports": list(reports),
    }


def dumps(card: dict[str, Any]) -> str:
    """The scorecard as JSON text: UTF-8 characters kept, two-space indent, final newline."""
    return json.dumps(card, ensure_ascii=False, indent=2) + "\n"


@functools.cache
def scorecard_schema() -> dict[str, Any]:
    """The scorecard JSON Schema; shared, so treat it as read-only."""
    return json.loads(files("nianbao_schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def validate_scorecard(card: Any) -> list[str]:
    """Every way `card` breaks the scorecard schema, one line each; [] when it is valid."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(scorecard_schema())
    return sorted(f"{error.json_path}: {error.message}" for error in validator.iter_errors(card))
