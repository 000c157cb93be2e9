"""Every example of every rule of every shipped pack gives the verdict it promises (`nianbao packs test`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.rules.examples import ExampleOutcome, missing_kinds, run_example
from engine.rules.packs import Pack, PackError, load_pack
from engine.rules.plugins import plugin_manager, rulepack_sources

RULEPACKS = Path(__file__).resolve().parent.parent / "rulepacks"
# The packs as a user's installation finds them: every plugin's packs, through the plugin manager.
SHIPPED = {path.stem: path for _, path in rulepack_sources(plugin_manager())}


def test_every_pack_in_the_repository_is_installed_and_found() -> None:
    """A pack left out of the installation would quietly go untested."""
    in_repo = {path.stem for path in RULEPACKS.rglob("*.yaml") if "egg-info" not in str(path)}
    assert in_repo <= set(SHIPPED), f"install them: pip install -e rulepacks/<name> ({in_repo - set(SHIPPED)})"


def _cases() -> list:
    """One case per example, per missing kind of example, and per pack that does not load."""
    cases = []
    for name, path in SHIPPED.items():
        try:
            pack: Pack = load_pack(path)
        except PackError as exc:
            cases.append(pytest.param(name, None, None, "\n".join(map(str, exc.errors)), id=f"{name}-load"))
            continue
        for rule in pack.rules:
            for kind in missing_kinds(rule):
                cases.append(pytest.param(name, rule, None, f"rule {rule.code} has no {kind} example",
                                          id=f"{name}-{rule.code}-{kind}-missing"))
            for example in rule.examples:
                cases.append(pytest.param(pack, rule, example, None,
                                          id=f"{name}-{rule.code}-{example.kind}-{example.index}"))
    return cases


@pytest.mark.parametrize("pack, rule, example, problem", _cases())
def test_example(pack, rule, example, problem):
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    outcome: ExampleOutcome = run_example(pack, rule, example)
    where = f"{pack.path}:{outcome.line}: rule {rule.code}, {example.kind} example {example.index + 1}"
    assert outcome.ok, f"{where}: {outcome.detail}"
