"""Brute force over fused digit runs: which cells of a run does the text alone determine?

A crawler page prints a row's cells with nothing between them (`行政处罚67+36103`). Given the run
of one row (the characters between its label and the next label or unit), the number of cells and
their kinds, `splits` lists every way to cut the run into cells that obey the hard rules:

- spaces are hard boundaries (no cell spans one), and every character is in some cell;
- a sign (+/-) starts a number: a cell holds a sign only as its first character, signed cells only;
- a decimal stays whole: a cell with a point runs to the end of its digits, amounts only;
- no leading zeros except "0" itself (and no "+0", "-0").

The identities then choose among those splits: a row of table 三 has 总计 = the six applicant
columns, table 四 has 总计 = its four outcomes three times, and table 三's columns satisfy
一 + 二 = （七）总计 + 四 and （七）总计 = the sum of the result rows (docs/national-rules.md A01–A04).
A constraint may choose but never reject the only split: when no split satisfies it, the splits
that satisfy the hard rules alone stand. A cell is determined when it has the same value in every
split that stands.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any

from engine.templates import template as template_named

UNDETERMINED = object()
APPLICANT, DISPUTES = "applicant", "disputes"
JOINT_LIMIT = 20_000  # combinations of ambiguous table-三 rows searched exhaustively; beyond: rows alone
_NUMBER = {"count": re.compile(r"0|[1-9]\d*"), "signed": re.compile(r"0|[+-]?[1-9]\d*"),
           "amount": re.compile(r"(0|[1-9]\d*)(\.\d+)?")}


def _parse(token: str, kind: str) -> int | float:
    return float(token) if "." in token else int(token)


def _walk(run: str, pos: int, kinds: Sequence[str], acc: list, out: list, check) -> None:
    """Cut run[pos:] into the cells still owed; append every complete cut to `out`."""
    while pos < len(run) and run[pos] == " ":
        pos += 1  # spaces are boundaries between cells, never inside one
    if pos == len(run) or len(acc) == len(kinds):
        if pos == len(run) and len(acc) == len(kinds):
            out.append(tuple(acc))
        return
    kind = kinds[len(acc)]
    for end in range(pos + 1, len(run) + 1):
        token = run[pos:end]
        if " " in token or "+" in token[1:] or "-" in token[1:]:
            break  # a cell never spans a space, and a sign starts the next number
        if token.endswith(".") or end < len(run) and run[end] == ".":
            continue  # never cut next to a decimal point
        if "." in token and end < len(run) and run[end].isdigit():
            continue  # a decimal runs to the end of its digits
        if not _NUMBER[kind].fullmatch(token):
            continue
        acc.append(_parse(token, kind))
        if check is None or check(acc):
            _walk(run, end, kinds, acc, out, check)
        acc.pop()


def splits(run: str, kinds: Sequence[str], check=None) -> list[tuple]:
    """Every split of `run` into len(kinds) cells by the hard rules; `check(prefix)` may prune."""
    out: list[tuple] = []
    _walk(run.replace("\u3000", " "), 0, kinds, [], out, check)
    return out


def _identity_groups(identity: str | None, width: int) -> list[range]:
    if identity == APPLICANT:
        return [range(0, 7)]
    if identity == DISPUTES:
        return [range(start, start + 5) for start in range(0, width, 5)]
    return []


def holds(values: Sequence, identity: str | None) -> bool:
    """Whether a row's values satisfy its identity (last cell of each group = sum of the others)."""
    return all(values[g[-1]] == sum(values[i] for i in g[:-1]) for g in _identity_groups(identity, len(values)))


def row_candidates(run: str, kinds: Sequence[str], identity: str | None) -> list[tuple]:
    """The splits of one row that stand: those meeting the row identity, else the hard-rule ones."""
    groups = _identity_groups(identity, len(kinds))
    ends = {group[-1]: group for group in groups}

    def check(prefix: list) -> bool:  # prune as soon as a group's 总计 is cut
        group = ends.get(len(prefix) - 1)
        return group is None or prefix[group[-1]] == sum(prefix[i] for i in group[:-1])

    return splits(run, kinds, check if groups else None) or splits(run, kinds)


def determined(candidates: Sequence[tuple], width: int) -> list[Any]:
    """Per cell: its value when every candidate agrees, else UNDETERMINED (also when none stand)."""
    if not candidates:
        return [UNDETERMINED] * width
    return [column[0] if len(set(column)) == 1 else UNDETERMINED for column in zip(*candidates)]


# --- table 三 as a whole --------------------------------------------------------------------------

def _column_identities(template: str) -> list[tuple[list[str], list[str]]]:
    """Table 三's column identities as (left rows, right rows) with equal sums (A02, A03)."""
    rows = [row.pointer for row in template_named(template).applications.rows]
    results = [pointer for pointer in rows if pointer.startswith("/results/") and pointer != "/results/total"]
    return [(["/new_received", "/carried_over"], ["/results/total", "/carried_forward"]),
            (["/results/total"], results)]


def _joint_ok(values: dict[str, tuple], identities) -> bool:
    for left, right in identities:
        if all(row in values for row in left + right):
            for column in range(7):
                if sum(values[r][column] for r in left) != sum(values[r][column] for r in right):
                    return False
    return True


def joint_applications(candidates: dict[str, list[tuple]], template: str) -> dict[str, list[tuple]]:
    """Narrow table 三's row candidates ({row pointer: splits}) by the column identities.

    Exhaustive over the ambiguous rows when their combinations are at most JOINT_LIMIT (else the
    rows stand alone, which only under-reports what is determined); never narrows to nothing.
    """
    identities = _column_identities(template)
    fixed = {row: splits[0] for row, splits in candidates.items() if len(splits) == 1}
    open_rows = [row for row, splits in candidates.items() if len(splits) > 1]
    total = 1
    for row in open_rows:
        total *= len(candidates[row])
    if not open_rows or total > JOINT_LIMIT:
        return candidates
    kept: dict[str, set] = {row: set() for row in open_rows}
    for combination in itertools.product(*(candidates[row] for row in open_rows)):
        values = dict(fixed, **dict(zip(open_rows, combination)))
        if _joint_ok(values, identities):
            for row, split in zip(open_rows, combination):
                kept[row].add(split)
    if not any(kept.values()):
        return candidates  # the identities reject everything: they do not decide, the rows stand
    return {row: sorted(kept[row], key=repr) if row in kept else splits for row, splits in candidates.items()}


def unique_cells(runs, template: str) -> dict[str, Any]:
    """{pointer: value} of every cell that the runs of one report determine.

    `runs` are (pointers, kinds, run text, identity) per printed row, as bench.perturb records them.
    """
    candidates: dict[str, list[tuple]] = {}
    pointers_of: dict[str, tuple[str, ...]] = {}
    for pointers, kinds, run, identity in runs:
        key = pointers[0].rsplit("/", 1)[0]
        candidates[key] = row_candidates(run, kinds, identity)
        pointers_of[key] = pointers
    table = {key[len("/applications"):]: splits for key, splits in candidates.items()
             if key.startswith("/applications/")}
    for row, splits in joint_applications(table, template).items():
        candidates["/applications" + row] = splits
    unique = {}
    for key, splits in candidates.items():
        for pointer, value in zip(pointers_of[key], determined(splits, len(pointers_of[key]))):
            if value is not UNDETERMINED:
                unique[pointer] = value
    return unique


def identities_hold(document: dict) -> bool:
    """Whether the document's tables 三 and 四 satisfy A01–A04 (blank cells count as 0)."""
    spec = template_named(document["template"])

    def row(table: str, path) -> tuple:
        node: Any = document.get(table) or {}
        for key in path:
            node = (node or {}).get(key)
        return tuple((node or {}).get(cell) or 0 for cell in
                     ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other",
                      "total")) if table == "applications" else \
            tuple((node or {}).get(cell) or 0 for cell in ("upheld", "corrected", "other", "pending", "total"))

    applications = {r.pointer: row("applications", r.path) for r in spec.applications.rows}
    if not all(holds(values, APPLICANT) for values in applications.values()):
        return False
    if not all(holds(row("disputes", r.path), DISPUTES) for r in spec.disputes.rows):
        return False
    return _joint_ok(applications, _column_identities(document["template"]))
