"""`nianbao diff OLD NEW`: what changed between two reports of one agency, or two scorecards.

Findings (failed results) are matched by their stable finding id without the pack version: pack,
code and what each for_each name is bound to (a row's pointer, else its label), then by order among
equals. So a finding is `new` (only in NEW), `resolved` (only in OLD) or `persisting` (in both,
with both messages: the numbers may have moved). Two reports are checked together, so that the
cross-report rules (I03 上年结转) see each other; their tables are compared cell by cell (old → new;
a cell that only one template has is shown as absent). Two scorecards (`--format json` or `jsonl`
output) have no tables: their reports are paired (one each, else by agency, the latest year) and
their findings compared.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.inputs import decode_json, read_input

FORMAT = "nianbao-diff/1"
ABSENT = "absent"  # a cell the report's template does not have


def read_scorecard(path: Path) -> list[dict[str, Any]] | None:
    """The report entries of a scorecard file (json or jsonl), or None when `path` is not one."""
    if path.suffix.lower() not in (".json", ".jsonl"):
        return None
    raw = read_input(path)
    try:
        data = decode_json(raw, str(path))
    except InputError:  # not one JSON value: perhaps JSON Lines
        lines = [line for line in raw.splitlines() if line.strip()]
        try:
            entries = [decode_json(line, str(path)) for line in lines]
        except InputError:
            return None
        ok = entries and all(isinstance(e, dict) and "results" in e and "source" in e for e in entries)
        return entries if ok else None
    if isinstance(data, dict) and str(data.get("scorecard", "")).startswith("nianbao-scorecard/"):
        return list(data.get("reports") or [])
    if isinstance(data, dict) and "results" in data and "source" in data:
        return [data]  # one line of jsonl saved alone
    return None


def _bound_key(result: dict[str, Any]) -> str:
    bound = []
    for name, value in (result.get("binding") or {}).items():
        key = value.get("pointer") or value.get("label") if isinstance(value, dict) else value
        if isinstance(value, dict) and key is None:
            key = value.get("value")
        bound.append([name, key])
    return json.dumps([result.get("pack"), result.get("code"), bound], ensure_ascii=False, default=str)


def _keyed(entry: dict[str, Any] | None) -> dict[tuple[str, int], dict[str, Any]]:
    out: dict[tuple[str, int], dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for result in (entry or {}).get("results") or ():
        if result.get("outcome") != "fail":
            continue
        key = _bound_key(result)
        seen[key] = seen.get(key, 0) + 1
        out[(key, seen[key])] = result
    return out


def _finding(result: dict[str, Any]) -> dict[str, Any]:
    labels = {name: value.get("label") if isinstance(value, dict) else value
              for name, value in (result.get("binding") or {}).items()}
    return {"pack": result.get("pack"), "code": result.get("code"), "id": result.get("id"),
            "severity": result.get("severity"), "title": result.get("title"), "binding": labels or None,
            "message": result.get("message")}


def diff_findings(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """New, resolved and persisting findings between two report entries (in NEW's, then OLD's order)."""
    before, after = _keyed(old), _keyed(new)
    persisting = []
    for key, result in after.items():
        if key in before:
            item = _finding(result)
            item["old_message"] = before[key].get("message")
            persisting.append(item)
    return {"new": [_finding(r) for k, r in after.items() if k not in before],
            "resolved": [_finding(r) for k, r in before.items() if k not in after],
            "persisting": persisting}


def _cell(document: dict[str, Any], pointer: str) -> Any:
    value: Any = document
    for part in pointer.split("/")[1:]:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def diff_tables(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Every table cell whose value differs: pointer, title, old, new (ABSENT: not in that template)."""
    from engine.document.schema import title_of
    from engine.templates import BY_NAME

    own = [{pointer for *_, pointer in BY_NAME[str(d.get("template"))].cells()} if str(d.get("template")) in BY_NAME
           else set() for d in (old, new)]
    cells: dict[str, None] = {}
    for document in (old, new):  # in printed order: OLD's cells, then those only NEW's template has
        template = BY_NAME.get(str(document.get("template")))
        for _, _, _, pointer in template.cells() if template else ():
            cells.setdefault(pointer)
    out = []
    for pointer in cells:
        values = [_cell(document, pointer) if pointer in has else ABSENT for document, has in zip((old, new), own)]
        if values[0] != values[1]:
            title = title_of(new.get("template"), pointer) or title_of(old.get("template"), pointer) or pointer
            out.append({"pointer": pointer, "title": title, "old": values[0], "new": values[1]})
    return out


def _who(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    meta, source, score = entry.get("meta") or {}, entry.get("source") or {}, entry.get("score") or {}
    return {"source": source.get("name"), "sha256": source.get("sha256"), "agency": meta.get("agency"),
            "year": meta.get("year"), "template": entry.get("template"), "score": score.get("score"),
            "grade": score.get("grade"), "error": entry.get("error")}


def pair(olds: Sequence[dict[str, Any]], news: Sequence[dict[str, Any]]) -> list[tuple[Any, Any]]:
    """Reports of two scorecards side by side: the only two, else by agency (the latest year of each)."""
    if len(olds) == 1 and len(news) == 1:
        return [(olds[0], news[0])]
    from engine.similarity import normalise_agency

    def latest(entries: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for entry in entries:
            meta = entry.get("meta") or {}
            agency = normalise_agency(meta.get("agency"))
            if agency is None:
                continue
            if agency not in out or (meta.get("year") or 0) >= ((out[agency].get("meta") or {}).get("year") or 0):
                out[agency] = entry
        return out

    before, after = latest(olds), latest(news)
    pairs: list[tuple[Any, Any]] = [(before.get(agency), entry) for agency, entry in after.items()]
    pairs += [(entry, None) for agency, entry in before.items() if agency not in after]
    return pairs


def diff(old_entry: dict[str, Any] | None, new_entry: dict[str, Any] | None,
         old_doc: dict[str, Any] | None = None, new_doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """One pair: who, the findings, and (for reports) the table cells that changed."""
    tables = diff_tables(old_doc, new_doc) if old_doc is not None and new_doc is not None else None
    return {"old": _who(old_entry), "new": _who(new_entry), "findings": diff_findings(old_entry, new_entry),
            "tables": tables}


def report(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """The diff as JSON data (`--format json`)."""
    return {"diff": FORMAT, "pairs": pairs}


def check_reports(checker: Any, paths: Sequence[Path]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Convert and check reports together (compare rules see each other): (entry, document) each.

    InputError when one cannot be read or converted.
    """
    from engine.batch.crossindex import CrossIndex
    from engine.batch.run import index_record
    from engine.batch.single import load_input
    from engine.rules.expr.compare import MISSING, Found, ReportSelector, report_info
    from engine.scorecard.entry import check_report

    documents, index = [], CrossIndex()
    for number, path in enumerate(paths):
        loaded = load_input(path)
        if loaded.document is None:
            raise InputError(loaded.error)
        documents.append(loaded.document)
        index.add(number, index_record(loaded))
    out = []
    for number, document in enumerate(documents):
        def lookup(selector: ReportSelector, number: int = number) -> Found | None:
            found = index.resolve(number, selector)
            if found is MISSING:
                return None
            other = documents[found] if isinstance(found, int) else None
            return Found(other, report_info(other) if other is not None else None)

        with checker.comparing(lookup):
            entry = check_report(checker, document)
        entry["source"]["path"] = str(paths[number])
        out.append((entry, document))
    return out
