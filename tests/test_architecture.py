"""The package layout as a newcomer reads it: no import cycle, modules of a readable size."""

from __future__ import annotations

from pathlib import Path

import grimp

ENGINE = Path(__file__).resolve().parents[1] / "engine"
LONGEST = 450  # "a module past ~400 lines wants splitting": a little slack, never a second 500-line module


def test_no_import_cycle_in_the_engine() -> None:
    graph = grimp.build_graph("engine")
    cycles = sorted({tuple(sorted((module, imported))) for module in graph.modules
                     for imported in graph.find_modules_directly_imported_by(module)
                     if graph.chain_exists(importer=imported, imported=module)})
    assert cycles == []


def test_engine_root_holds_only_the_shared_modules() -> None:
    modules = sorted(p.name for p in ENGINE.glob("*.py"))
    assert modules == ["__init__.py", "errors.py", "inputs.py", "normalization.py", "similarity.py", "templates.py"]


def test_no_module_is_too_long_to_read() -> None:
    long = {str(p.relative_to(ENGINE)): n for p in ENGINE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > LONGEST}
    assert long == {}
