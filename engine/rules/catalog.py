"""What the CLI asks about installed packs: load them all, find a rule, run their examples."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.rules.packs import Pack, Rule, load_packs
from engine.rules.plugins import PluginProblem, function_specs, plugin_manager, problems_of, rulepack_sources


def function_table(extra: Iterable[tuple[str, Any]] = ()) -> tuple[Any, list[PluginProblem]]:
    """A function table of the plugins' (plugin, FunctionSpec) pairs, builtins among them; bad specs are problems."""
    from engine.rules.expr.functions import FunctionTable

    table = FunctionTable()
    problems = []
    for plugin, spec in extra:
        try:
            table.add(spec)
        except Exception as exc:  # noqa: BLE001 - ValueError for a clash or a non-spec: skip this one
            problems.append(PluginProblem(plugin, f"function {getattr(spec, 'name', spec)!r} ignored: {exc}"))
    return table, problems


def installed_packs(extra_plugins: Iterable[object] = (), extra_paths: Iterable[str | Path] = ()
                    ) -> tuple[list[Pack], list[InputError | PluginProblem]]:
    """Every pack the installed plugins provide (plus `extra_paths`), and every problem met.

    Broken plugins and broken packs are skipped and reported; they never stop the others.
    """
    pm = plugin_manager(extra_plugins)
    sources: list[Any] = list(rulepack_sources(pm)) + [("--pack", Path(p)) for p in extra_paths]
    functions, function_problems = function_table(function_specs(pm))
    packs, pack_problems = load_packs(sources, functions)
    return packs, [*problems_of(pm), *function_problems, *pack_problems]


def select_packs(pack_options: Iterable[str] = ()) -> tuple[list[Any], list[Any], list[str]]:
    """Installed packs plus --pack files, narrowed to --pack names: (packs, load problems, unknown names)."""
    options = list(pack_options)
    files = [p for p in options if p.endswith((".yaml", ".yml")) or Path(p).is_file()]
    names = [p for p in options if p not in files]
    packs, problems = installed_packs(extra_paths=files)
    unknown = []
    if names:
        known = {pack.name for pack in packs}
        unknown = [f"--pack {name}: no such pack (installed: {', '.join(sorted(known)) or 'none'})"
                   for name in names if name not in known]
        packs = [pack for pack in packs if pack.name in names or str(pack.path) in files]
    return packs, problems, unknown


def find_rule(code: str, packs: Iterable[Pack] | None = None) -> list[tuple[Pack, Rule]]:
    """The rules called `code` ("A01", or "national:A01" to name the pack), in pack order.

    Without `packs`, the installed packs are loaded.
    """
    if packs is None:
        packs = installed_packs()[0]
    pack_name, _, bare = code.rpartition(":")
    return [(pack, rule) for pack in packs if not pack_name or pack.name == pack_name
            for rule in pack.rules if rule.code == bare.upper()]
