"""Walking the inputs (issue #10, defect 5): N files in, N entries out. Every file under a folder is a
report entry or an entry naming why it is not one (whatever its suffix, or none; dangling links, link
loops, folders that cannot be listed); a scorecard nianbao wrote there is skipped and noted in the
scorecard header, never read as a report.

Running as root, `chmod 000` does not stop reading a folder; the tests then make `os.scandir` fail
for that folder (in this process, where the folder is walked) instead, and say so.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from renderers import ROOT  # noqa: F401  (puts the repository root on sys.path for bench)
from typer.testing import CliRunner

import engine.inputs
from bench.corpus import generate
from cli import app
from engine.inputs import listing

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED = sorted(SEEDS.glob("*.txt"))[0]
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the start of a Word 97-2003 (.doc/.wps) file


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def close_folder(folder: Path, monkeypatch) -> None:
    """Make `folder` unlistable: chmod 000, or (as root, whom chmod does not stop) a failing os.scandir."""
    if os.geteuid() != 0:
        folder.chmod(0)
        return
    real = os.scandir

    def scandir(path="."):
        if isinstance(path, (str, os.PathLike)) and Path(path) == folder:  # rmtree passes descriptors
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(engine.inputs.os, "scandir", scandir)


def reopen(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o755)


def test_every_file_is_listed_whatever_its_name_and_every_unusable_one_says_why(tmp_path, monkeypatch) -> None:
    shutil.copy(SEED, tmp_path / "a.txt")
    shutil.copy(SEED, tmp_path / "B.TXT")  # upper-case suffix
    shutil.copy(SEED, tmp_path / "download")  # no suffix at all
    (tmp_path / "old.doc").write_bytes(OLE)
    (tmp_path / "old.wps").write_bytes(OLE)
    (tmp_path / "dangling").symlink_to("nowhere")
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")  # a loop back to the top
    (tmp_path / "closed").mkdir()
    shutil.copy(SEED, tmp_path / "closed" / "hidden.txt")
    close_folder(tmp_path / "closed", monkeypatch)
    try:
        found = {item.path.relative_to(tmp_path).as_posix(): item.problem for item in listing([tmp_path])}
    finally:
        reopen(tmp_path / "closed")
    assert sorted(found) == ["B.TXT", "a.txt", "closed", "dangling", "download", "old.doc", "old.wps", "self",
                             "sub/up"]
    assert found["a.txt"] is found["B.TXT"] is found["download"] is found["old.doc"] is None  # read, then judged
    assert found["closed"] == "cannot read folder: Permission denied"
    assert found["dangling"] == "broken symbolic link: nowhere does not exist"
    assert found["self"].startswith("symbolic link loop")
    assert found["sub/up"] == f"symbolic link loop: leads back to {os.path.realpath(tmp_path)}"


def test_a_pipe_is_an_entry_with_its_reason_and_never_read(tmp_path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # reading it would wait for a writer forever
    for argument in (tmp_path, pipe):
        assert [(item.path, item.problem) for item in listing([argument])] == [
            (pipe, "not a regular file (device, pipe or socket)")]


def test_check_gives_an_entry_per_file_and_says_why_for_the_unusable_ones(tmp_path) -> None:
    shutil.copy(SEED, tmp_path / "REPORT.TXT")
    shutil.copy(SEED, tmp_path / "noext")
    (tmp_path / "old.wps").write_bytes(OLE)
    (tmp_path / "dangling").symlink_to("nowhere")
    code, out, err = check(str(tmp_path), "--format", "jsonl", "--no-cache")
    entries = {Path(e["source"]["path"]).name: e["error"] for e in map(json.loads, out.splitlines())}
    assert sorted(entries) == ["REPORT.TXT", "dangling", "noext", "old.wps"]
    assert entries["REPORT.TXT"] is entries["noext"] is None
    assert "WPS" in entries["old.wps"] and "broken symbolic link" in entries["dangling"]
    assert code == 2 and err.splitlines()[-1] == "nianbao: 2 of 4 inputs could not be checked (exit 2)"


@pytest.mark.parametrize("output_format,name", [("json", "card.json"), ("jsonl", "card.jsonl"),
                                                ("csv", "card.csv"), ("xlsx", "card.xlsx"),
                                                ("html", "card.html"), ("sarif", "card.sarif"),
                                                ("junit", "card.xml"), ("json", "card-without-suffix")])
def test_a_scorecard_written_into_the_folder_is_skipped_and_noted(tmp_path, output_format, name) -> None:
    shutil.copy(SEED, tmp_path / "report.txt")
    card = tmp_path / name
    check(str(tmp_path), "--format", output_format, "-o", str(card), "--no-cache")
    assert engine.inputs.scorecard_kind(card) == output_format
    again = tmp_path.parent / f"{tmp_path.name}-again.json"
    code, _, err = check(str(tmp_path), "--format", "json", "-o", str(again), "--no-cache")
    header = json.loads(again.read_text(encoding="utf-8"))
    assert [Path(r["source"]["path"]).name for r in header["reports"]] == ["report.txt"]
    assert header["skipped"] == [{"path": str(card), "reason": f"a nianbao scorecard ({output_format}), not a report"}]
    assert f"nianbao: {card}: skipped: a nianbao scorecard ({output_format}), not a report" in err.splitlines()
    assert code in (0, 1)  # a skipped scorecard is no unreadable input


def test_reports_are_never_taken_for_scorecards() -> None:
    examples = sorted((Path(__file__).parent.parent / "examples").iterdir())
    data = sorted((Path(__file__).parent / "data").rglob("*"))
    assert [p for p in examples + data if p.is_file() and engine.inputs.scorecard_kind(p)] == []


@pytest.mark.slow
def test_200_reports_and_six_awkward_files_give_206_entries_and_exit_2_saying_why(tmp_path, monkeypatch) -> None:
    """The issue's "done means": 200 generated reports plus an empty file, a binary file, a .doc, a
    report with no extension, a dangling link and an unreadable subfolder."""
    folder = tmp_path / "downloads"
    generate(200, seed=3, out_dir=folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 16)
    (folder / "old.doc").write_bytes(OLE)
    shutil.copy(SEED, folder / "no-extension")
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    closed = folder / "closed"
    closed.mkdir()
    shutil.copy(SEED, closed / "inside.txt")
    close_folder(closed, monkeypatch)
    try:
        code, out, err = check(str(folder), "--format", "jsonl", "--no-cache", "-j", "2")
    finally:
        reopen(closed)
    entries = [json.loads(line) for line in out.splitlines()]
    assert len(entries) == 206
    errors = {Path(e["source"]["path"]).name: e["error"] for e in entries if e["error"]}
    assert sorted(errors) == ["binary.bin", "closed", "dangling.txt", "empty.txt", "old.doc"]
    assert all(message in err for message in errors.values())
    assert code == 2 and err.splitlines()[-1] == "nianbao: 5 of 206 inputs could not be checked (exit 2)"
