"""The national rule pack, registered through the `nianbao` entry point like any other pack."""

from pathlib import Path

import pluggy

hookimpl = pluggy.HookimplMarker("nianbao")


@hookimpl
def nianbao_rulepacks() -> list[Path]:
    """Return the national pack's YAML file."""
    return [Path(__file__).with_name("national.yaml")]
