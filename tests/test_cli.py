"""The command line as a user runs it: help, version, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SEED = ROOT / "tests" / "data" / "seeds" / "000_c277f382703343a1.txt"


def nianbao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=300)


def test_version() -> None:
    run = nianbao("--version")
    assert run.returncode == 0 and run.stdout.startswith("nianbao ")


@pytest.mark.parametrize("command", [[], ["convert"], ["validate"], ["check"], ["diff"], ["packs"],
                                     ["packs", "list"], ["packs", "test"], ["rules"], ["rules", "show"]])
def test_every_command_has_help(command: list[str]) -> None:
    run = nianbao(*command, "--help")
    assert run.returncode == 0 and "Usage" in run.stdout


def test_convert_bad_files_one_line_each_and_the_good_one_still_written(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    run = nianbao("convert", str(tmp_path / "empty.txt"), str(tmp_path / "binary.txt"), str(SEED),
                  str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out"))
    assert run.returncode == 2
    errors = run.stderr.strip().split("\n")
    assert len(errors) == 3 and all(line.startswith("nianbao: ") for line in errors)
    assert "Traceback" not in run.stderr
    assert json.loads((tmp_path / "out" / f"{SEED.stem}.json").read_text(encoding="utf-8"))["template"] == "2019"


def test_validate_reports_every_error_and_exits_1(tmp_path: Path) -> None:
    document = json.loads(nianbao("convert", str(SEED)).stdout)
    document["applications"]["new_received"]["total"] = -1
    document["proactive"]["rules"]["made"] = "x"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    run = nianbao("validate", str(path))
    assert run.returncode == 1
    assert "$.applications.new_received.total" in run.stdout and "$.proactive.rules.made" in run.stdout


def test_check_with_a_broken_named_pack_says_where_and_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("pack: x\nrules: [\n", encoding="utf-8")
    run = nianbao("check", str(SEED), "--pack", str(broken), "--no-cache")
    assert run.returncode == 2
    assert f"{broken}:3:1:" in run.stderr and "Traceback" not in run.stderr


def test_check_exit_codes_follow_findings() -> None:
    clean = nianbao("check", str(SEED), "--no-cache", "--format", "json")
    assert clean.returncode == 0  # 000 fails only a warning (S03)
    assert nianbao("check", str(SEED), "--no-cache", "--fail-on", "warning").returncode == 1
