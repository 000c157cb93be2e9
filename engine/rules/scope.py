"""Which packs apply to a report, decided once per report for evaluation and scoring alike.

A pack applies when its scope covers the report's region and its templates include the report's.
Where several applicable packs set the same thing (an override, a scoring weight), the most specific
scope wins — a prefecture pack beats a province pack beats a nationwide one — then the later pack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.rules.packs import LEVELS, Pack


@dataclass(frozen=True)
class PackFit:
    """How the packs meet one report: why each one's scope misses it, and which packs apply."""

    misses: dict[str, str | None]  # pack name → why its scope does not cover the report, None if it does
    applied: tuple[Pack, ...]  # the packs that apply, least specific first (ties: pack order)

    def applies(self, pack: Pack) -> bool:
        return any(p is pack for p in self.applied)


def pack_fit(packs: Sequence[Pack], document: dict[str, Any] | None) -> PackFit:
    """Decide, for one report, which of `packs` apply and why the others' scopes miss it."""
    if not isinstance(document, dict):
        return PackFit({pack.name: "没有可检查的文档" for pack in packs}, ())
    misses = {pack.name: scope_miss(pack, document) for pack in packs}
    ranked = sorted(enumerate(packs), key=lambda ip: (LEVELS.index(ip[1].scope.level), ip[0]))
    applied = tuple(pack for _, pack in ranked
                    if misses[pack.name] is None and template_miss(pack.templates, document) is None)
    return PackFit(misses, applied)


def region_of(document: dict[str, Any]) -> dict[str, Any]:
    meta = document.get("meta") if isinstance(document, dict) else None
    region = meta.get("region") if isinstance(meta, dict) else None
    return region if isinstance(region, dict) else {}


def scope_miss(pack: Pack, document: dict[str, Any]) -> str | None:
    """Why the pack's scope does not cover the report (a message), or None when it does."""
    scope = pack.scope
    if scope.level == "nationwide":
        return None
    region = region_of(document)
    wanted = [("province", scope.province)]
    if scope.level == "prefecture":
        wanted.append(("prefecture", scope.prefecture))
    for key, name in wanted:
        actual = region.get(key)
        if actual is None:
            level = "省份" if key == "province" else "地市"
            return f"规则包 {pack.name} 仅适用于{scope.describe()}；报告所属{level}未知"
        if actual != name:
            return f"规则包 {pack.name} 仅适用于{scope.describe()}；报告属于{actual}"
    return None


def template_miss(templates: Sequence[str], document: dict[str, Any]) -> str | None:
    """Why the report's template is not one of `templates`, or None when it is."""
    template = document.get("template") if isinstance(document, dict) else None
    if template in templates:
        return None
    wanted = "、".join(templates)
    notes = document.get("notes") if isinstance(document, dict) else None
    if template is None and any(isinstance(n, dict) and n.get("code") == "template_obsolete" for n in notes or ()):
        return f"报告采用2019年以前的旧格式（一、概述……七、其他需要报告的事项），不是现行格式；本规则适用于{wanted}模板"
    if template is None:
        return f"未能识别报告所用模板；本规则适用于{wanted}模板"
    return f"报告采用{template}模板；本规则适用于{wanted}模板"
