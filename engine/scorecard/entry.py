"""Assemble the scorecard (schemas/scorecard.schema.json, nianbao-scorecard/2) that every output format writes.

A scorecard is a header (format, engine, packs, rules), one entry per report, and a batch summary.
Keys are built in a fixed order and nothing depends on set or dict iteration of unordered input, so
`dumps(card)` is byte-identical across runs; engine/outputs/json.py streams the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from importlib.resources import files
from typing import Any

from engine import __version__
from engine.rules.evaluation import OUTCOMES, Checker, Result
from engine.rules.packs import Pack, Rule
from engine.rules.scope import PackFit, pack_fit
from engine.scorecard.scoring import BatchSummary, profile_for, score_report

FORMAT = "nianbao-scorecard/2"
SCHEMA_FILE = "scorecard.schema.json"
# A line that a message names, as rules write it: 第15行, （第 95 行起）.
_LINE_MENTION = re.compile(r"第\s*(\d+)\s*行")


def summarize(results: Iterable[Result]) -> dict[str, int]:
    """The number of results of each outcome, every outcome present, in a fixed order."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for result in results:
        counts[result["outcome"]] += 1
    return counts


def pack_entry(pack: Pack) -> dict[str, Any]:
    """A pack as the scorecard lists it."""
    return {"name": pack.name, "version": pack.version, "title": pack.title, "scope": pack.scope.as_dict(),
            "scoring": pack.scoring}


def rule_entry(pack: Pack, rule: Rule) -> dict[str, Any]:
    """A rule as the scorecard's header lists it (the columns of csv and xlsx, the rules of sarif)."""
    return {"pack": pack.name, "code": rule.code, "name": rule.name, "title": rule.title,
            "severity": rule.severity, "category": rule.category, "blocking": rule.blocking,
            "basis": rule.basis, "description": rule.description}


def scorecard_header(packs: Sequence[Pack], rules: Iterable[tuple[Pack, Rule]] | None = None, *,
                     failed: Iterable[dict[str, str]] = (), skipped: Iterable[dict[str, str]] = ()
                     ) -> dict[str, Any]:
    """Everything the scorecard says before its reports; `rules` are the selected ones (default: all).

    `failed` lists the packs or plugins that would not load ({name, problem}), `skipped` the files
    of the inputs that were not read as reports ({path, reason}); each key is written only when it
    has something to say, so a clean run's header is unchanged.
    """
    chosen = rules if rules is not None else [(pack, rule) for pack in packs for rule in pack.rules]
    header: dict[str, Any] = {
        "scorecard": FORMAT,
        "engine": __version__,
        "packs": [pack_entry(pack) for pack in packs],
    }
    failed, skipped = list(failed), list(skipped)
    if failed:
        header["failed_packs"] = failed
    header["rules"] = [rule_entry(pack, rule) for pack, rule in chosen]
    if skipped:
        header["skipped"] = skipped
    return header


def checker_header(checker: Checker, *, failed: Iterable[dict[str, str]] = (),
                   skipped: Iterable[dict[str, str]] = ()) -> dict[str, Any]:
    """The header for what `checker` checks: its packs and its selected rules (and what failed or was skipped)."""
    return scorecard_header(checker.packs, checker.rules, failed=failed, skipped=skipped)


def _source(document: dict[str, Any] | None, source: dict[str, Any] | None) -> dict[str, Any]:
    meta_source = ((document or {}).get("meta") or {}).get("source") or {}
    given = source or {}

    def pick(key: str) -> Any:
        return given[key] if given.get(key) is not None else meta_source.get(key)

    out = {"name": pick("name") or "", "sha256": pick("sha256"), "format": pick("format")}
    if given.get("path") is not None:
        out["path"] = str(given["path"])
    return out


def finding_id(pack: str, version: str, code: str, binding: dict[str, Any] | None) -> str:
    """A result's stable id: pack, pack version, code and what each binding name is bound to.

    A row is named by its JSON Pointer, anything else by its label (or value), so the same finding
    keeps its id from run to run and from one engine version to the next.
    """
    bound = []
    for name, value in (binding or {}).items():
        if isinstance(value, dict):
            key = value.get("pointer") or value.get("label")
            key = key if key is not None else value.get("value")
        else:
            key = value
        bound.append((name, key))
    try:
        return _finding_id(pack, version, code, tuple(bound))
    except TypeError:  # an unhashable bound value (a list): computed afresh, the same way
        return _finding_id.__wrapped__(pack, version, code, tuple(bound))


# Memoised: a pack's rules bind the same rows in every report, and a JSON dump and a SHA-256 per
# result were a tenth of a report's checking time.
@functools.lru_cache(maxsize=1 << 16)
def _finding_id(pack: str, version: str, code: str, bound: tuple[tuple[str, Any], ...]) -> str:
    text = json.dumps([pack, version, code, [list(pair) for pair in bound]], ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class LineIndex:
    """The source line of a JSON Pointer of the document: its own, its first cell's, its row's, or none.

    A row's line is its first printed cell's; a row whose cells are all blank has only its label's line
    (the converter records it under the row's pointer), and a table or group never stands in for a row:
    pointing at another row's number would be a false location (issue #10.9).
    """

    def __init__(self, document: dict[str, Any]):
        self.document = document
        self._first: dict[str, int] | None = None  # built on the first `at`: only results binding rows ask
        self._labels: dict[str, int] = {}
        text = document.get("text")
        self.count = text.count("\n") + 1 if isinstance(text, str) else None

    @property
    def first(self) -> dict[str, int]:
        """Pointer → the first line of it or of anything under it (a row: its first cell's)."""
        if self._first is None:
            self._build()
        return self._first

    @property
    def labels(self) -> dict[str, int]:
        """A row's pointer → the line where its label is printed (a row whose cells are all blank has one)."""
        if self._first is None:
            self._build()
        return self._labels

    def _build(self) -> None:
        first: dict[str, int] = {}
        containers: dict[str, Any] = {}  # a row's cells share it: resolved once
        for pointer, where in (self.document.get("provenance") or {}).items():
            line = where.get("line") if isinstance(where, dict) else None
            if not isinstance(line, int):
                continue
            parent, _, key = pointer.rpartition("/")
            if parent not in containers:
                containers[parent] = _resolve(self.document, parent)
            container = containers[parent]
            value = container.get(key.replace("~1", "/").replace("~0", "~")) if isinstance(container, dict) else None
            if isinstance(value, dict):  # a row: where its label is printed
                self._labels[pointer] = line
                continue
            parts = pointer.split("/")
            for end in range(2, len(parts) + 1):  # every ancestor: a row's line is its first cell's
                prefix = "/".join(parts[:end])
                if line < first.get(prefix, line + 1):
                    first[prefix] = line
        self._first = first

    def valid(self, line: Any) -> bool:
        return isinstance(line, int) and line > 0 and (self.count is None or line <= self.count)

    def at(self, pointer: str) -> int | None:
        if pointer in self.first:
            return self.first[pointer]
        if pointer in self.labels:
            return self.labels[pointer]
        value = _resolve(self.document, pointer)
        if isinstance(value, dict):  # a section (or any object) that knows where it starts; else none
            return value["line"] if isinstance(value.get("line"), int) else None
        row = pointer.rsplit("/", 1)[0]  # a blank cell: the line of its row, if the row has one
        return self.first.get(row, self.labels.get(row))


def _resolve(document: Any, pointer: str) -> Any:
    value = document
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def locations(result: Result, lines: LineIndex | None) -> list[dict[str, Any]]:
    """Where in the report text the result's values are: the lines of its leaves, bound rows, blank
    cells, and the lines its message names; each line once, in that order."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[int, str | None]] = set()

    def put(line: Any, pointer: str | None, title: Any, value: Any, via: str) -> None:
        if not (lines.valid(line) if lines else isinstance(line, int) and line > 0):
            return
        if (line, pointer) in seen or (via == "message" and any(loc["line"] == line for loc in out)):
            return
        seen.add((line, pointer))
        out.append({"line": line, "pointer": pointer, "title": title, "value": value, "via": via})

    for operand in (result.get("explanation") or {}).get("operands") or ():
        for leaf in operand.get("leaves") or ():
            put(leaf.get("line"), leaf.get("pointer"), leaf.get("title"), leaf.get("value"), "value")
    if lines is not None:
        for bound in (result.get("binding") or {}).values():
            if isinstance(bound, dict) and isinstance(bound.get("pointer"), str):
                put(lines.at(bound["pointer"]), bound["pointer"], bound.get("label"), None, "binding")
        for pointer in result.get("blanks") or ():
            put(lines.at(pointer), pointer, None, None, "blank")
    for match in _LINE_MENTION.finditer(result.get("message") or ""):
        put(int(match.group(1)), None, None, None, "message")
    return out


def result_entry(result: Result, lines: LineIndex | None, blocking: bool) -> Result:
    """A checker result as the scorecard writes it: with blocking, id and locations, keys in order."""
    return {
        "pack": result["pack"], "pack_version": result["pack_version"], "code": result["code"],
        "name": result["name"], "title": result["title"], "severity": result["severity"],
        "category": result["category"], "blocking": blocking, "outcome": result["outcome"],
        "id": finding_id(result["pack"], result["pack_version"], result["code"], result.get("binding")),
        "message": result.get("message"), "explanation": result.get("explanation"),
        "locations": locations(result, lines), "binding": result.get("binding"),
        "blanks": list(result.get("blanks") or ()), "overridden": result.get("overridden"),
        # a cross-report rule names the reports it compared with (docs/rules.md, compare)
        **({"compared_with": result["compared_with"]} if "compared_with" in result else {}),
    }


def _unique_ids(results: list[Result]) -> None:
    """Number repeated ids -2, -3 … in result order (two bindings can carry the same label)."""
    seen: dict[str, int] = {}
    for result in results:
        count = seen.get(result["id"], 0) + 1
        seen[result["id"]] = count
        if count > 1:
            result["id"] = f"{result['id']}-{count}"


def report_entry(document: dict[str, Any] | None, results: Sequence[Result] = (), *,
                 source: dict[str, Any] | None = None, error: str | None = None,
                 notes: Iterable[dict[str, Any]] = (), packs: Sequence[Pack] = (),
                 fit: PackFit | None = None, passes: bool = True) -> dict[str, Any]:
    """One report of the scorecard: source, meta, template, packs, score, results, summary, notes.

    `source` ({name, sha256, format, path?}) defaults to the document's meta.source; when the report
    could not be converted, pass document=None and a one-line `error` (its score is then null).
    `packs` are the packs it was checked with: they give the rules' blocking flags and the scoring;
    `fit` is which of them apply to the report, when the caller has decided it already.
    `passes=False` leaves passing results out of `results` and counts them in `passes` instead
    (json and jsonl without --include-passes); every other key is the same either way.
    """
    document = document if isinstance(document, dict) else None
    fit = fit if fit is not None else pack_fit(packs, document)
    blocking = {(pack.name, rule.code) for pack in packs for rule in pack.rules if rule.blocking}
    lines = LineIndex(document) if document else None
    if passes:
        entries = [result_entry(r, lines, (r["pack"], r["code"]) in blocking) for r in results]
        _unique_ids(entries)
        shown = entries
    else:  # a pass needs what scoring reads and its id (a later result's -2 counts it), no more
        entries = [_pass_entry(r, (r["pack"], r["code"]) in blocking) if r["outcome"] == "pass"
                   else result_entry(r, lines, (r["pack"], r["code"]) in blocking) for r in results]
        _unique_ids(entries)
        shown = [entry for entry in entries if entry["outcome"] != "pass"]
    out = {
        "source": _source(document, source),
        "meta": document.get("meta") if document else None,
        "template": document.get("template") if document else None,
        "error": error,
        "packs": [{"name": p.name, "version": p.version, "applied": fit.applies(p)} for p in packs],
        "score": score_report(entries, profile_for(fit), document.get("notes") or ())
        if document and not error else None,
        "summary": summarize(entries),
        "results": shown,
        "notes": [_note(note) for note in notes],
    }
    if not passes:
        out["passes"] = _passes(entries)
    return out


def _pass_entry(result: Result, blocking: bool) -> Result:
    return {"pack": result["pack"], "code": result["code"], "title": result["title"],
            "severity": result["severity"], "category": result["category"], "blocking": blocking,
            "outcome": "pass", "id": finding_id(result["pack"], result["pack_version"], result["code"],
                                                result.get("binding"))}


def _passes(entries: Sequence[Result]) -> dict[str, Any]:
    """The passing results in brief: how many, per category, and the rules (pack:code) that gave them."""
    by_category: dict[str, int] = {}
    rules: dict[str, int] = {}
    for entry in entries:
        if entry["outcome"] == "pass":
            by_category[entry["category"]] = by_category.get(entry["category"], 0) + 1
            name = f"{entry['pack']}:{entry['code']}"
            rules[name] = rules.get(name, 0) + 1
    return {"count": sum(by_category.values()), "by_category": by_category, "rules": rules}


def _note(note: dict[str, Any]) -> dict[str, Any]:
    out = {"code": str(note.get("code", "")), "message": str(note.get("message", ""))}
    for key in ("pointer", "line", "pack"):
        if key in note:
            out[key] = note[key]
    return out


def check_report(checker: Checker, document: dict[str, Any], *, source: dict[str, Any] | None = None,
                 conversion_notes: bool = True, passes: bool = True) -> dict[str, Any]:
    """Check one document and return its scorecard entry (conversion notes first, then the checker's)."""
    fit = checker.fit(document)
    results = checker.check(document, fit=fit)
    notes = list(document.get("notes") or ()) if conversion_notes else []
    return report_entry(document, results, source=source, notes=notes + checker.notes(document, fit),
                        packs=checker.packs, fit=fit, passes=passes)


def scorecard(packs: Sequence[Pack], reports: Iterable[dict[str, Any]],
              rules: Iterable[tuple[Pack, Rule]] | None = None) -> dict[str, Any]:
    """The whole scorecard in memory: header, every report entry, and the batch summary."""
    reports = list(reports)
    summary = BatchSummary()
    for entry in reports:
        summary.add(entry)
    return {**scorecard_header(packs, rules), "reports": reports, "summary": summary.as_dict()}


def dumps(card: dict[str, Any]) -> str:
    """The scorecard as JSON text: UTF-8 characters kept, two-space indent, final newline."""
    return json.dumps(card, ensure_ascii=False, indent=2) + "\n"


@functools.cache
def scorecard_schema() -> dict[str, Any]:
    """The scorecard JSON Schema; shared, so treat it as read-only."""
    return json.loads(files("nianbao_schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def _errors(schema: dict[str, Any], instance: Any) -> list[str]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    return sorted(f"{error.json_path}: {error.message}" for error in validator.iter_errors(instance))


def validate_scorecard(card: Any) -> list[str]:
    """Every way `card` breaks the scorecard schema, one line each; [] when it is valid."""
    return _errors(scorecard_schema(), card)


def validate_report_entry(entry: Any) -> list[str]:
    """Every way one report entry (a line of --format jsonl) breaks the schema's `report`."""
    schema = scorecard_schema()
    return _errors({"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/report"}, entry)
