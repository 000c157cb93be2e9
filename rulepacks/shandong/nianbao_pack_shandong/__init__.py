"""The 山东省 rule pack for nianbao, registered through the `nianbao` entry point."""

from pathlib import Path

import pluggy

hookimpl = pluggy.HookimplMarker("nianbao")


@hookimpl
def nianbao_rulepacks() -> list[Path]:
    """Return this pack's YAML file."""
    return [Path(__file__).with_name("shandong.yaml")]
