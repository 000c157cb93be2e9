"""Plugins: entry points are found, broken ones are reported and skipped, packs install as packages."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pluggy
import pytest

from engine.rules import plugins

ROOT = Path(__file__).resolve().parent.parent
HOOKIMPL = pluggy.HookimplMarker("nianbao")


def fake_distribution(where: Path, name: str, entry_points: dict[str, str], modules: dict[str, str]) -> None:
    """A dist-info with `nianbao` entry points and the modules they name, importable from `where`."""
    info = where / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    lines = "".join(f"{key} = {value}\n" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[nianbao]\n{lines}", encoding="utf-8")
    for module, source in modules.items():
        (where / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")


@pytest.fixture
def fake_plugins(tmp_path, monkeypatch):
    """Four fake plugins: one good, one that does not import, one with an unknown hook, one that raises."""
    pack = tmp_path / "fake.yaml"
    pack.write_text("pack: fake\n", encoding="utf-8")
    fake_distribution(tmp_path, "nianbao_fakes", {
        "zz_good": "np_good_plugin",
        "zz_missing": "np_no_such_module",
        "zz_syntax": "np_syntax_plugin",
        "zz_unknown_hook": "np_unknown_hook_plugin",
        "zz_raises": "np_raising_plugin",
    }, {
        "np_good_plugin": f"""
            import pluggy
            hookimpl = pluggy.HookimplMarker("nianbao")
            @hookimpl
            def nianbao_rulepacks():
                return [{str(pack)!r}]
        """,
        "np_syntax_plugin": "def broken(:\n",
        "np_unknown_hook_plugin": """
            import pluggy
            hookimpl = pluggy.HookimplMarker("nianbao")
            @hookimpl
            def nianbao_no_such_hook():
                return []
        """,
        "np_raising_plugin": """
            import pluggy
            hookimpl = pluggy.HookimplMarker("nianbao")
            @hookimpl
            def nianbao_rulepacks():
                raise RuntimeError("boom")
        """,
    })
    monkeypatch.syspath_prepend(str(tmp_path))
    return pack


def test_broken_entry_points_are_reported_and_skipped(fake_plugins):
    pm = plugins.plugin_manager()
    names = {pm.get_name(plugin) for plugin in pm.get_plugins()}
    assert "zz_good" in names and "zz_raises" in names
    assert not names & {"zz_missing", "zz_syntax", "zz_unknown_hook"}
    problems = {problem.name: problem.message for problem in plugins.problems_of(pm)}
    assert "np_no_such_module" in problems["zz_missing"]
    assert "SyntaxError" in problems["zz_syntax"]
    assert "nianbao_no_such_hook" in problems["zz_unknown_hook"]
    assert all("\n" not in message for message in problems.values())

    sources = plugins.rulepack_sources(pm)
    assert ("zz_good", fake_plugins) in sources
    problems = {problem.name: problem.message for problem in plugins.problems_of(pm)}
    assert "boom" in problems["zz_raises"]  # the hook raised: reported, the others still answered


def test_the_national_pack_is_an_installed_plugin():
    pm = plugins.plugin_manager()
    sources = dict(plugins.rulepack_sources(pm))
    assert sources["national"].name == "national.yaml"
    assert sources["national"].parent == ROOT / "rulepacks" / "national"


def test_extra_plugins_and_functions_hook():
    class Extra:
        @HOOKIMPL
        def nianbao_functions(self):
            return ["a function spec"]

    pm = plugins.plugin_manager([Extra()])
    # the builtins come first, through the same hook (an internal plugin)
    assert [s for s in plugins.function_specs(pm) if s[0] != "builtins"] == [("extra-0", "a function spec")]
    assert pm.hook.nianbao_functions.spec is not None


def test_hookspecs_are_typed_and_documented():
    from engine.rules import hookspecs

    for name in ("nianbao_rulepacks", "nianbao_functions"):
        hook = getattr(hookspecs, name)
        assert hook.__doc__ and hook.__doc__.startswith("Return")
        assert "return" in hook.__annotations__


# --- a province pack installed into a fresh virtual environment ------------------------------------

PROBE = textwrap.dedent("""
    import json, sys
    import engine
    from engine.rules.catalog import installed_packs
    from engine.rules.evaluation import Checker
    from engine.rules.examples import base_document
    from engine.rules.plugins import plugin_manager
    plugins = sorted(name for name, _ in plugin_manager().list_name_plugin())
    packs, problems = installed_packs()
    checker = Checker(packs)
    def outcomes(province):
        doc = base_document("2019")
        doc["meta"]["region"]["province"] = province
        return sorted({r["outcome"] for r in checker.check(doc) if r["pack"] == "heilongjiang"})
    print(json.dumps({
        "engine": engine.__file__,
        "plugins": plugins,
        "packs": [p.name for p in packs],
        "paths": {p.name: str(p.path) for p in packs},
        "problems": [str(p) for p in problems],
        "heilongjiang_on_hlj": outcomes("黑龙江省"),
        "heilongjiang_on_sd": outcomes("山东省"),
    }, ensure_ascii=False))
""")


def _copy_project(target: Path) -> Path:
    """A copy of the project to build from, so that building never writes into the working tree."""
    ignore = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "tests",
                                    "examples", "bench", "out", ".pytest_cache", ".hypothesis")
    shutil.copytree(ROOT, target, ignore=ignore)
    if not (target / "README.md").exists():
        (target / "README.md").write_text("nianbao\n", encoding="utf-8")
    return target


def _build_flags() -> list[str]:
    """Build with the outer venv's setuptools when it can make wheels (fast), else in isolation."""
    try:
        import setuptools
    except ImportError:
        return []
    version = tuple(int(part) for part in setuptools.__version__.split(".")[:2] if part.isdigit())
    has_wheel = importlib.util.find_spec("wheel") is not None
    # setuptools builds wheels by itself from 70.1 on; before that it needs the `wheel` package.
    return ["--no-build-isolation", "--no-index"] if version >= (70, 1) or has_wheel else []


@pytest.mark.slow
def test_province_pack_installs_into_a_fresh_venv(tmp_path):
    if not (ROOT / "rulepacks" / "heilongjiang" / "nianbao_pack_heilongjiang" / "heilongjiang.yaml").exists():
        pytest.skip("the heilongjiang pack has no YAML yet")
    venv = tmp_path / "venv"
    # A venv without pip (fast): the outer pip installs into it with --python. Its own site-packages
    # come first; the outer site-packages, added by a .pth file, supply only the dependencies (a
    # .pth line adds a path, it does not run the .pth files there, so the editable install of
    # nianbao in the outer venv stays invisible).
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "outer.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    project = _copy_project(tmp_path / "src")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                              *_build_flags(), str(project), str(project / "rulepacks" / "heilongjiang")],
                             env=env, cwd=tmp_path, capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    run = subprocess.run([str(python), "-c", PROBE], check=True, capture_output=True, text=True, cwd=tmp_path,
                         env={k: v for k, v in env.items() if k != "PYTHONPATH"})
    found = json.loads(run.stdout)
    assert found["engine"].startswith(str(site)), "the fresh venv must use its own copy of nianbao"
    assert found["plugins"] == ["builtins", "heilongjiang", "national"], found["problems"]
    assert "heilongjiang" in found["packs"], found["problems"]
    assert found["paths"]["heilongjiang"].startswith(str(site))
    assert found["heilongjiang_on_sd"] == ["not_applicable"]
    assert found["heilongjiang_on_hlj"] != ["not_applicable"]
