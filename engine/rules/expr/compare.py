"""Cross-report bindings of a rule (`compare:`): which other report of the batch a name stands for.

    compare:
      prior: {agency: same, year: previous}            # the same agency's report of the year before
      copy: {agency: any, year: not_later, pick: most_similar}
      missing: not_applicable                         # when the batch has no such report

A name is bound to a whole report document (typed against every template it may have), or, for
`pick: most_similar`, to the most similar eligible report or null when none is similar enough.
When the batch has no eligible report at all, the rule's outcome is the declared `missing` policy
(never a pass). Same agency means equal `engine.similarity.normalise_agency` names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.templates import TEMPLATES

AGENCIES = ("same", "any_other", "any")
YEARS = ("same", "previous", "next", "not_later", "any")
PICKS = ("first", "most_similar")
POLICIES = ("not_applicable", "not_evaluable")
MISSING = type("MissingReport", (), {"__repr__": lambda self: "MISSING"})()  # no eligible report

_AGENCY_WORDS = {"same": "同一机关", "any_other": "其他机关", "any": "本机关或其他机关"}
_YEAR_WORDS = {"same": "同一年度", "previous": "上一年度", "next": "下一年度", "not_later": "同一年度或以前年度",
               "any": "任一年度"}


@dataclass(frozen=True)
class ReportSelector:
    """Which reports of the batch a name may stand for, and how one is picked among them."""

    agency: str
    year: str
    pick: str = "first"
    templates: tuple[str, ...] = TEMPLATES

    @property
    def key(self) -> str:
        """A canonical text: equal selectors share one lookup (and one cache fingerprint)."""
        return f"agency={self.agency};year={self.year};pick={self.pick}"

    @property
    def nullable(self) -> bool:
        """Whether the name may be null: most_similar finds none similar enough."""
        return self.pick == "most_similar"

    def describe(self) -> str:
        """The reports meant, in words: 同一机关上一年度的报告."""
        what = f"{_AGENCY_WORDS[self.agency]}{_YEAR_WORDS[self.year]}的报告"
        return f"{what}中最相似的一份" if self.pick == "most_similar" else what

    def eligible(self, agency: str | None, year: int | None, other_agency: str | None,
                 other_year: int | None) -> bool:
        """Whether a report (other_agency, other_year) may stand for this name of report (agency, year).

        Agencies are normalised names; a report with no agency is never the same agency as another.
        A report of the same agency and year is the report itself (or a second copy of it): never
        eligible.
        """
        same = agency is not None and agency == other_agency
        if same and year == other_year:
            return False
        if self.agency == "same" and not same or self.agency == "any_other" and same:
            return False
        if self.year == "any":
            return True
        if year is None or other_year is None:
            return False
        wanted = {"same": other_year == year, "previous": other_year == year - 1, "next": other_year == year + 1,
                  "not_later": other_year <= year}
        return wanted[self.year]


@dataclass(frozen=True)
class Compare:
    """A rule's cross-report names (in the order written) and its policy when a report is missing."""

    names: Mapping[str, ReportSelector]
    missing: str = "not_applicable"

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Compare:
        """Read a schema-valid `compare:` mapping; ValueError (one line) for what the schema cannot say."""
        names: dict[str, ReportSelector] = {}
        for name, spec in raw.items():
            if name == "missing":
                continue
            selector = ReportSelector(spec["agency"], spec["year"], spec.get("pick", "first"),
                                tuple(spec.get("templates", TEMPLATES)))
            if selector.agency != "same" and selector.pick != "most_similar":
                raise ValueError(f"compare.{name}: agency {selector.agency} may match many reports; "
                                 f"pick one with pick: most_similar")
            names[name] = selector
        if not names:
            raise ValueError("compare names no report: give at least one name, e.g. prior: {agency: same, "
                             "year: previous}")
        return cls(names, raw.get("missing", "not_applicable"))

    def missing_message(self, names: list[str]) -> str:
        """Why the rule could not compare: the reports the batch lacks."""
        wanted = "、".join(f"{self.names[name].describe()}（{name}）" for name in names)
        return f"本次检查的报告中没有{wanted}，无从比较"


@dataclass(frozen=True)
class Found:
    """What a name stands for: a report document (None: none similar enough) and who it is."""

    document: dict[str, Any] | None
    report: dict[str, Any] | None  # {source, sha256, agency, year}: the result's compared_with


Lookup = Callable[[ReportSelector], "Found | None"]  # None: the batch has no eligible report


def report_info(document: dict[str, Any]) -> dict[str, Any]:
    """How a result names the report it compared with: file name, SHA-256, agency, year."""
    meta = document.get("meta") or {}
    source = meta.get("source") or {}
    return {"source": source.get("name"), "sha256": source.get("sha256"), "agency": meta.get("agency"),
            "year": meta.get("year")}
