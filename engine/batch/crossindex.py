"""The small index a batch keeps of its reports, and which report each compare name stands for.

Pass 1 of a batch adds one `Record` per readable report (agency, year, template, SHA-256, name and
the MinHash signature of its prose, about 1 KB); `resolve` then answers, for report i and a
`ReportSelector`, which other report it compares with: an index, None (pick: most_similar found none
similar enough) or MISSING (the batch has no eligible report). Resolution is deterministic: reports
are numbered in input order and ties go to the earlier one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from engine.rules.expr.compare import MISSING, ReportSelector
from engine.similarity import NearIndex


@dataclass(frozen=True)
class Record:
    """What the batch remembers of one report: enough to find it, never its document."""

    sha256: str
    name: str
    agency: str | None  # normalised (engine.similarity.normalise_agency)
    year: int | None
    template: str | None
    signature: bytes | None


class CrossIndex:
    """Records by number, by agency and by year, and their signatures filed for similarity search."""

    def __init__(self) -> None:
        self.records: dict[int, Record] = {}
        self.by_agency: dict[str, list[int]] = defaultdict(list)
        self.per_year: dict[int | None, int] = defaultdict(int)
        self.per_agency_year: dict[tuple[str, int | None], int] = defaultdict(int)
        self.near = NearIndex()

    def add(self, number: int, record: Record) -> None:
        """Add report `number` (its position in the input; add them in that order)."""
        self.records[number] = record
        if record.agency is not None:
            self.by_agency[record.agency].append(number)
            self.per_agency_year[(record.agency, record.year)] += 1
        self.per_year[record.year] += 1
        if record.signature is not None:
            self.near.add(number, record.signature)

    def resolve(self, number: int, selector: ReportSelector) -> int | None | object:
        """The report `selector` picks for report `number`: its number, None, or MISSING."""
        me = self.records[number]

        def eligible(other: int) -> bool:
            them = self.records[other]
            return other != number and selector.eligible(me.agency, me.year, them.agency, them.year)

        if selector.pick == "first":  # agency: same (the loader insists), so the agency's own list
            return next((other for other in self.by_agency.get(me.agency or "", ()) if eligible(other)), MISSING)
        if not self._exists(me, selector):
            return MISSING
        found = self.near.nearest(number, eligible)
        return None if found is None else found[0]

    def _exists(self, me: Record, selector: ReportSelector) -> bool:
        """Whether any other report is eligible, from counts (never by visiting every report)."""
        years = self._years(me, selector)
        total = sum(self.per_year.get(year, 0) for year in years)
        same = sum(self.per_agency_year.get((me.agency, year), 0) for year in years) if me.agency else 0
        mine = me.year in years  # this report itself is among the counted
        own = self.per_agency_year.get((me.agency, me.year), 0) if me.agency else 1  # itself and its copies
        if selector.agency == "same":
            eligible = same - (own if mine else 0)
        elif selector.agency == "any_other":
            eligible = total - same - (1 if mine and not me.agency else 0)
        else:
            eligible = total - (own if mine else 0)
        return eligible > 0

    def _years(self, me: Record, selector: ReportSelector) -> set[int | None]:
        if selector.year == "any":
            return set(self.per_year)
        if me.year is None:
            return set()
        if selector.year == "not_later":
            return {year for year in self.per_year if year is not None and year <= me.year}
        offset = {"same": 0, "previous": -1, "next": 1}[selector.year]
        return {me.year + offset}
