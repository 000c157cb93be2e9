"""A sum never vouches for a value it chose: results resting on converter-inferred cells.

When the converter split fused digits and only a sum picked the split (provenance `inferred_by`:
`row_total` for a row's own 总计, `table_identity` for table 三's column identities), the rule that
checks that very sum would pass by construction. Such a pass is reported as `not_evaluable`, naming
the cells, so it is never counted as evidence that the report adds up.
"""

from __future__ import annotations

from typing import Any

_APPLICANT_COLUMNS = frozenset({"natural_person", "commercial", "research", "social_welfare", "legal_service",
                                "other", "total"})
_last: tuple[object, dict[str, str]] = (None, {})  # the provenance itself, kept: its id is never reused


def _inferred(document: dict[str, Any]) -> dict[str, str]:
    """Pointer → how it was inferred, for every inferred cell of the document (remembered for one document)."""
    global _last
    provenance = document.get("provenance") if isinstance(document, dict) else None
    if not isinstance(provenance, dict):
        return {}
    if _last[0] is not provenance:
        _last = (provenance, {pointer: entry["inferred_by"] for pointer, entry in provenance.items()
                                  if isinstance(entry, dict) and entry.get("inferred_by")})
    return _last[1]


def rests_on_own_sum(result: dict[str, Any], document: dict[str, Any]) -> str | None:
    """Why a passing result is no evidence (the message), or None when it is."""
    if result.get("outcome") != "pass":
        return None
    inferred = _inferred(document)
    if not inferred:
        return None
    hits: list[str] = []
    for value in (result.get("binding") or {}).values():
        pointer = value.get("pointer") if isinstance(value, dict) else None
        if isinstance(value, dict) and pointer is None:
            value = value.get("value")  # a bound key, e.g. {"label": "自然人", "value": "natural_person"}
        if isinstance(pointer, str):  # a rule over one row: its own total chose the row's split
            hits += [p for p, how in inferred.items() if how == "row_total" and p.rsplit("/", 1)[0] == pointer]
        elif isinstance(value, str) and value in _APPLICANT_COLUMNS:  # a rule over one column of table 三: its identities chose
            hits += [p for p, how in inferred.items()
                     if how == "table_identity" and p.startswith("/applications/") and p.endswith("/" + value)]
    if not hits:
        return None
    return (f"{'、'.join(sorted(hits))} 的数字连在一起，是按本条所查的合计关系拆分出来的，"
            "不能用来证明该合计关系成立")
