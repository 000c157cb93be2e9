"""Find nianbao plugins (rule packs, expression functions) through the `nianbao` entry point group.

A broken plugin (it fails to import, registers badly, or its hook raises) is reported as a
PluginProblem and skipped; it never stops the others.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from engine.rules import hookspecs

if TYPE_CHECKING:
    from engine.rules.expr.functions import FunctionSpec

GROUP = hookspecs.PROJECT


@dataclass(frozen=True, slots=True)
class PluginProblem:
    """A plugin that could not be used: its name and what went wrong, in one line."""

    name: str
    message: str

    def __str__(self) -> str:
        return f"plugin {self.name}: {self.message}"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Manager(pluggy.PluginManager):
    """A PluginManager that remembers the problems met while loading plugins."""

    def __init__(self) -> None:
        super().__init__(GROUP)
        self.problems: list[PluginProblem] = []


def plugin_manager(extra_plugins: Iterable[object] = ()) -> pluggy.PluginManager:
    """Build a plugin manager with the hookspecs, every installed plugin and `extra_plugins`.

    The manager's `problems` attribute lists the plugins that were skipped.
    """
    pm = _Manager()
    pm.add_hookspecs(hookspecs)
    for name, plugin in _internal_plugins():
        _register(pm, plugin, name)
    _load_entry_points(pm)
    for index, plugin in enumerate(extra_plugins):
        name = getattr(plugin, "__name__", None) or f"extra-{index}"
        _register(pm, plugin, name)
    pm.check_pending()  # cannot fail: _register already dropped plugins with unknown hooks
    return pm


def _internal_plugins() -> list[tuple[str, object]]:
    """The host's own plugins, registered before any installed one (as tox does with its own)."""
    from engine.rules.expr import builtins

    return [("builtins", builtins)]


def problems_of(pm: pluggy.PluginManager) -> list[PluginProblem]:
    """The problems met while building `pm` (empty for a manager built elsewhere)."""
    return list(getattr(pm, "problems", ()))


def _load_entry_points(pm: _Manager) -> None:
    """`pm.load_setuptools_entrypoints(GROUP)`, except that one broken plugin skips only itself."""
    # Sorted so that plugin order, and so pack order and hook results, never depend on the
    # order in which the file system lists site-packages.
    points = sorted(importlib.metadata.entry_points(group=GROUP), key=lambda ep: (ep.name, ep.value))
    for ep in points:
        if pm.is_blocked(ep.name):
            continue
        if pm.get_plugin(ep.name) is not None:
            pm.problems.append(PluginProblem(ep.name, f"entry point {ep.value} ignored: "
                                                      "another plugin of that name is already loaded"))
            continue
        try:
            plugin = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the others
            pm.problems.append(PluginProblem(ep.name, f"cannot load {ep.value}: {_one_line(exc)}"))
            continue
        _register(pm, plugin, ep.name)


def _register(pm: _Manager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except Exception as exc:  # noqa: BLE001 - e.g. PluginValidationError for a bad hookimpl
        pm.problems.append(PluginProblem(name, f"cannot register: {_one_line(exc)}"))
        return
    # A hookimpl named nianbao_… without a spec would make check_pending() fail for everyone;
    # it is this plugin's problem, so it is dropped here.
    for caller in pm.get_hookcallers(plugin) or ():
        if caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and not impl.optionalhook:
                pm.unregister(plugin)
                pm.problems.append(PluginProblem(name, f"unknown hook {caller.name}"))
                return


def call_each(pm: pluggy.PluginManager, hook: str) -> list[tuple[str, Any]]:
    """Call `hook` on every plugin separately: (plugin name, result) for each that answered.

    A plugin whose hook raises is recorded in the manager's problems and skipped.
    """
    out: list[tuple[str, Any]] = []
    caller = getattr(pm.hook, hook)
    # pluggy calls the last registered first; calling in registration order keeps pack order stable.
    for impl in caller.get_hookimpls():
        name = pm.get_name(impl.plugin) or impl.plugin_name
        try:
            result = impl.function()
        except Exception as exc:  # noqa: BLE001 - a broken hook must not stop the others
            _problem(pm, name, f"{hook}() failed: {_one_line(exc)}")
            continue
        if result is not None:
            out.append((name, result))
    return out


def rulepack_sources(pm: pluggy.PluginManager) -> list[tuple[str, Path]]:
    """(plugin name, pack file) for every pack that the plugins provide, in plugin order."""
    sources: list[tuple[str, Path]] = []
    for name, result in call_each(pm, "nianbao_rulepacks"):
        if isinstance(result, (str, Path)) or not isinstance(result, Iterable):
            _problem(pm, name, f"nianbao_rulepacks() must return a list of paths, not {type(result).__name__}")
            continue
        for item in result:
            if isinstance(item, (str, Path)):
                sources.append((name, Path(item)))
            else:
                _problem(pm, name, f"nianbao_rulepacks() returned {item!r}, not a path")
    return sources


def function_specs(pm: pluggy.PluginManager) -> list[tuple[str, FunctionSpec]]:
    """(plugin name, spec) for every extra expression function the plugins provide, in plugin order."""
    specs: list[tuple[str, FunctionSpec]] = []
    for name, result in call_each(pm, "nianbao_functions"):
        if not isinstance(result, Iterable) or isinstance(result, (str, bytes)):
            _problem(pm, name, f"nianbao_functions() must return a list, not {type(result).__name__}")
            continue
        specs.extend((name, spec) for spec in result)
    return specs


def _problem(pm: pluggy.PluginManager, name: str, message: str) -> None:
    problems = getattr(pm, "problems", None)
    if problems is not None:
        problems.append(PluginProblem(name, message))
