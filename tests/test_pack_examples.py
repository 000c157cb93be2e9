"""Every example of every rule of every shipped pack gives the verdict it promises (`nianbao packs test`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.rules.examples import ExampleOutcome, missing_kinds, run_example
from engine.rules.packs import Pack, PackError, load_pack

RULEPACKS = Path(__file__).resolve().parent.parent / "rulepacks"
SHIPPED = {
    "national": RULEPACKS / "national" / "national.yaml",
    "heilongjiang": RULEPACKS / "heilongjiang" / "nianbao_pack_heilongjiang" / "heilongjiang.yaml",
    "shandong": RULEPACKS / "shandong" / "nianbao_pack_shandong" / "shandong.yaml",
}


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
