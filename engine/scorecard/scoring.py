"""Scores and grades of a report from its check results (docs/scoring.md).

A rule is one unit however many bindings it has: its outcome is the worst of its results (fail, then
error, then not_evaluable, then pass, then not_applicable). Units that passed or failed make the
denominator; a unit's weight is its severity's weight times its category's weight. Rule errors and
units that are not applicable or not evaluable are counted and shown, never scored. A cross-report
rule (I02, I03) is scored only when it fails: alone it has nothing to compare with, in a batch it
may pass, and a report's score must not depend on which other reports were checked with it. A failed
`blocking` rule caps the grade, and so do tables or rows the converter could not read. All arithmetic
is exact (Decimal), so scores are byte-stable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.rules.scope import PackFit

CATEGORIES = ("完整性", "准确性", "规范性", "及时性", "真实性")
SEVERITIES = ("error", "warning", "info")
GRADES = ("优", "良", "中", "差")
# A unit's outcome is the worst of its results', in this order (first is worst).
UNIT_ORDER = ("fail", "error", "not_evaluable", "pass", "not_applicable")
DEFAULT_SEVERITY = {"error": Decimal(3), "warning": Decimal(1), "info": Decimal(0)}
DEFAULT_GRADES = {"优": Decimal(90), "良": Decimal(75), "中": Decimal(60)}
DEFAULT_BLOCKING_GRADE = "差"
UNREAD_GRADE = "中"  # the best grade of a report whose tables could not all be read
_TENTH = Decimal("0.1")


def number(value: Decimal) -> int | float:
    """A Decimal as JSON: an int when whole, else the float of its shortest decimal form."""
    return int(value) if value == value.to_integral_value() else float(format(value.normalize(), "f"))


@dataclass(frozen=True)
class Profile:
    """The weights, grade thresholds and blocking cap that score one report, and the packs they came from."""

    severity: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    category: Mapping[str, Decimal] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, Decimal(1)))
    grades: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_GRADES))
    blocking_grade: str = DEFAULT_BLOCKING_GRADE
    sources: tuple[str, ...] = ()

    def weight(self, severity: str, category: str) -> Decimal:
        return self.severity.get(severity, Decimal(0)) * self.category.get(category, Decimal(1))

    def grade(self, score: Decimal | None) -> str | None:
        """The grade a score reaches by the thresholds alone (None for no score)."""
        if score is None:
            return None
        return next((name for name in GRADES[:3] if score >= self.grades[name]), GRADES[3])

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": {key: number(self.severity[key]) for key in SEVERITIES},
            "category": {key: number(self.category[key]) for key in CATEGORIES},
            "grades": {key: number(self.grades[key]) for key in GRADES[:3]},
            "blocking_grade": self.blocking_grade,
            "from": list(self.sources),
        }


def profile_for(fit: PackFit) -> Profile:
    """The report's profile: each setting from the most specific applicable pack that gives it.

    As with overrides, a prefecture pack beats a province pack beats a nationwide one, and on a tie
    the later pack in pack order wins. Severity and category weights are taken key by key; grade
    thresholds as a whole (so they always fall from 优 to 中).
    """
    severity, category = dict(DEFAULT_SEVERITY), dict.fromkeys(CATEGORIES, Decimal(1))
    grades, blocking, sources = dict(DEFAULT_GRADES), DEFAULT_BLOCKING_GRADE, []
    for pack in fit.applied:
        scoring = pack.scoring or {}
        if not scoring:
            continue
        sources.append(pack.name)
        for key, value in (scoring.get("severity") or {}).items():
            severity[key] = _decimal(value)
        for key, value in (scoring.get("category") or {}).items():
            category[key] = _decimal(value)
        if scoring.get("grades"):
            grades = {key: _decimal(scoring["grades"][key]) for key in GRADES[:3]}
        blocking = scoring.get("blocking_grade", blocking)
    return Profile(severity, category, grades, blocking, tuple(sources))


def _decimal(value: Any) -> Decimal:
    # str() first: a YAML float such as 0.1 must weigh exactly 0.1, not its binary neighbour.
    return Decimal(str(value))


@dataclass
class Unit:
    """One rule in one report: its worst outcome and how many of its results had each outcome."""

    pack: str
    code: str
    title: str
    severity: str
    category: str
    blocking: bool
    outcome: str = "not_applicable"
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(UNIT_ORDER, 0))
    compares: bool = False  # a cross-report rule (its results name the reports compared with)

    @property
    def scored(self) -> bool:
        """Whether the unit weighs in the score: it passed or failed, and a cross-report rule only
        when it failed (its pass depends on what else was in the batch, never on the report alone)."""
        return self.outcome == "fail" or self.outcome == "pass" and not self.compares

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        if UNIT_ORDER.index(outcome) < UNIT_ORDER.index(self.outcome):
            self.outcome = outcome


def rule_units(results: Iterable[dict[str, Any]]) -> list[Unit]:
    """The report's rules as units, in the order their first result appears."""
    units: dict[tuple[str, str], Unit] = {}
    for result in results:
        key = (result["pack"], result["code"])
        unit = units.get(key)
        if unit is None:
            unit = units[key] = Unit(result["pack"], result["code"], result["title"], result["severity"],
                                     result["category"], bool(result.get("blocking")))
        unit.add(result["outcome"])
        unit.compares = unit.compares or "compared_with" in result
    return list(units.values())


def _tally(units: Iterable[Unit], profile: Profile) -> dict[str, Any]:
    counts = dict.fromkeys(("pass", "fail", "not_applicable", "not_evaluable", "error"), 0)
    earned = possible = Decimal(0)
    for unit in units:
        counts[unit.outcome] += 1
        if unit.scored:
            weight = profile.weight(unit.severity, unit.category)
            possible += weight
            earned += weight if unit.outcome == "pass" else 0
    score = (earned * 100 / possible).quantize(_TENTH, ROUND_HALF_UP) if possible else None
    return {"score": score, "earned": earned, "possible": possible, "rules": counts}


def _public(tally: dict[str, Any]) -> dict[str, Any]:
    return {"score": None if tally["score"] is None else number(tally["score"]),
            "earned": number(tally["earned"]), "possible": number(tally["possible"]), "rules": tally["rules"]}


def unread_cap(notes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Why the grade is capped: the conversion notes saying a table or row could not be read."""
    from engine.document import UNREAD_CODES

    unread = [n for n in notes if isinstance(n, dict) and n.get("code") in UNREAD_CODES]
    if not unread:
        return []
    shown = "；".join(str(n.get("message") or n.get("code")) for n in unread[:3])
    more = f"等{len(unread)}处" if len(unread) > 3 else ""
    return [{"code": "tables_unread", "grade": UNREAD_GRADE,
             "message": f"统计表有未能读取的表或行（{shown}{more}），相关规则无法评估，等级至多为{UNREAD_GRADE}"}]


def score_report(results: Sequence[dict[str, Any]], profile: Profile,
                 notes: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """The report's score object (schemas/scorecard.schema.json `#/$defs/score`).

    `notes` are the document's conversion notes: tables or rows it could not read cap the grade.
    """
    units = rule_units(results)
    overall = _tally(units, profile)
    by_score = profile.grade(overall["score"])
    blocked = [unit for unit in units if unit.blocking and unit.outcome == "fail"]
    grade = by_score
    if blocked and grade is not None and GRADES.index(grade) < GRADES.index(profile.blocking_grade):
        grade = profile.blocking_grade
    # A report whose tables could not be read was not checked in full: never 优 or 良.
    capped = unread_cap(notes)
    if capped and grade is not None and GRADES.index(grade) < GRADES.index(UNREAD_GRADE):
        grade = UNREAD_GRADE
    return {
        **_public(overall),
        "grade": grade,
        "grade_by_score": by_score,
        "blocked_by": [{"pack": u.pack, "code": u.code, "title": u.title} for u in blocked],
        "capped_by": capped,
        "categories": {name: _public(_tally([u for u in units if u.category == name], profile))
                       for name in CATEGORIES},
        "weights": profile.as_dict(),
    }


SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass
class BatchSummary:
    """Running totals over a batch of report entries: small, whatever the batch's size."""

    reports: int = 0
    unreadable: int = 0
    scored: int = 0
    score_sum: Decimal = Decimal(0)
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    rule_errors: int = 0
    reports_failing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    histogram: list[int] = field(default_factory=lambda: [0] * 10)
    # (pack, code) → [title, reports failing it, failed results]
    by_rule: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    # province / year → [reports, scored, score sum, findings]
    by_province: dict[str, list[Any]] = field(default_factory=dict)
    by_year: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, entry: dict[str, Any]) -> None:
        """Count one report entry."""
        self.reports += 1
        if entry.get("error"):
            self.unreadable += 1
            return
        score = (entry.get("score") or {}).get("score")
        grade = (entry.get("score") or {}).get("grade")
        if score is not None:
            self.scored += 1
            self.score_sum += _decimal(score)
            self.histogram[min(int(score // 10), 9)] += 1
        if grade:
            self.grades[grade] += 1
        worst: set[str] = set()
        fails = 0
        for unit in rule_units(entry["results"]):
            if unit.outcome == "fail":
                worst.add(unit.severity)
                row = self.by_rule.setdefault((unit.pack, unit.code), [unit.title, 0, 0])
                row[1] += 1
                row[2] += unit.counts["fail"]
        for result in entry["results"]:
            if result["outcome"] == "fail":
                self.findings[result["severity"]] += 1
                fails += 1
            elif result["outcome"] == "error":
                self.rule_errors += 1
        for severity in worst:
            self.reports_failing[severity] += 1
        meta = entry.get("meta") or {}
        province = (meta.get("region") or {}).get("province") or "（未知）"
        year = str(meta.get("year") or "（未知）")
        for table, key in ((self.by_province, province), (self.by_year, year)):
            row = table.setdefault(key, [0, 0, Decimal(0), 0])
            row[0] += 1
            row[3] += fails
            if score is not None:
                row[1] += 1
                row[2] += _decimal(score)

    def failed_at(self, severity: str) -> bool:
        """Whether some report failed a rule of this severity or worse."""
        return any(self.reports_failing[s] for s in SEVERITIES if SEVERITY_RANK[s] <= SEVERITY_RANK[severity])

    @property
    def mean_score(self) -> Decimal | None:
        return (self.score_sum / self.scored).quantize(_TENTH, ROUND_HALF_UP) if self.scored else None

    def as_dict(self) -> dict[str, Any]:
        """The scorecard's batch `summary`."""
        mean = self.mean_score
        return {
            "reports": self.reports,
            "unreadable": self.unreadable,
            "scored": self.scored,
            "mean_score": None if mean is None else number(mean),
            "grades": dict(self.grades),
            "findings": dict(self.findings),
            "reports_failing": dict(self.reports_failing),
            "rule_errors": self.rule_errors,
        }


def mean(total: Decimal, count: int) -> Decimal | None:
    """total / count to one decimal place, or None for no count."""
    return (total / count).quantize(_TENTH, ROUND_HALF_UP) if count else None
