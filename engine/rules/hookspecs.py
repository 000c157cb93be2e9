"""The hooks a nianbao plugin may implement; plugins mark theirs with `pluggy.HookimplMarker("nianbao")`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # the expression language is only needed by whoever calls the hook
    from engine.rules.expr.functions import FunctionSpec

PROJECT = "nianbao"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)  # exported as engine.rules.hookimpl for pack authors


@hookspec
def nianbao_rulepacks() -> list[str | Path]:
    """Return the paths of the YAML rule pack files this plugin provides."""
    raise NotImplementedError


@hookspec
def nianbao_functions() -> list[FunctionSpec]:
    """Return extra expression functions (FunctionSpec) that rule packs may call."""
    raise NotImplementedError
