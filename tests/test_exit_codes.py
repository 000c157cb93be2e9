"""What `check` must never report as success (issue #10): an output it cannot write (found before any
work), an input it could not read, a pack that would not load, a --select that matches nothing; and
a converted document that breaks the schema is noted, never a crash."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from test_plugins import fake_distribution
from typer.testing import CliRunner

import engine.batch.single
import engine.inputs
import engine.outputs.destination
from cli import app
from engine.batch.run import CheckerSpec, build_checker
from engine.batch.single import check_input
from engine.outputs import FORMATS

SEED = Path(__file__).parent / "data" / "seeds" / "000_c277f382703343a1.txt"  # fails one warning only


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def no_work(monkeypatch):
    """Listing the inputs is the first piece of work: it must not be reached."""
    def listing(arguments):
        raise AssertionError("the inputs were listed before the output was checked")

    monkeypatch.setattr(engine.inputs, "listing", listing)


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_an_output_that_cannot_be_written_is_one_line_and_exit_2_before_any_work(tmp_path, no_work,
                                                                                 monkeypatch, output_format) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    cases = {
        tmp_path / "missing" / "card": f"folder {tmp_path / 'missing'} does not exist",
        tmp_path: "it is a folder",
        tmp_path / "a-file" / "card": f"folder {tmp_path / 'a-file'} is not a folder",
    }
    for target, why in cases.items():
        code, out, err = check(str(SEED), "--format", output_format, "-o", str(target), "--no-cache")
        assert (code, err) == (2, f"nianbao: {target}: cannot write the output: {why}\n")
    closed = tmp_path / "closed"
    closed.mkdir()
    if os.geteuid() == 0:  # root writes through chmod 000: refuse the file the way the kernel would
        def mkstemp(**kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(engine.outputs.destination.tempfile, "mkstemp", mkstemp)
    else:
        closed.chmod(0o500)
    try:
        code, _, err = check(str(SEED), "--format", output_format, "-o", str(closed / "card"), "--no-cache")
    finally:
        closed.chmod(0o755)
    assert (code, err) == (2, f"nianbao: {closed / 'card'}: cannot write the output: Permission denied\n")


def test_the_output_replaces_the_previous_one_whole_and_leaves_no_temporary_file(tmp_path) -> None:
    card = tmp_path / "card.json"
    card.write_text("previous\n", encoding="utf-8")
    card.chmod(0o640)
    code, _, _ = check(str(SEED), "--format", "json", "-o", str(card), "--no-cache")
    assert code == 0 and json.loads(card.read_text(encoding="utf-8"))["summary"]["reports"] == 1
    assert card.stat().st_mode & 0o777 == 0o640  # the file keeps its mode
    assert [p.name for p in tmp_path.iterdir()] == ["card.json"]


def test_an_unreadable_input_makes_exit_2_and_the_others_are_still_written(tmp_path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    card = tmp_path / "card.jsonl"
    code, _, err = check(str(SEED), str(empty), "--format", "jsonl", "-o", str(card), "--no-cache")
    entries = [json.loads(line) for line in card.read_text(encoding="utf-8").splitlines()]
    assert [e["error"] is None for e in entries] == [True, False]
    assert code == 2
    assert err.splitlines() == [f"nianbao: {empty}: empty file",
                                "nianbao: 1 of 2 inputs could not be checked (exit 2)"]


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_a_selector_that_matches_no_rule_is_exit_2(option) -> None:
    code, out, err = check(str(SEED), option, "S3", "--no-cache")
    assert (code, out, err) == (2, "", "nianbao: --select/--ignore S3: matches no rule\n")
    assert check(str(SEED), option, "S03", "--no-cache")[0] in (0, 1)


@pytest.fixture
def broken_plugins(tmp_path, monkeypatch):
    """Two installed plugins that fail: one does not import, one provides a pack with broken YAML."""
    bad_yaml = tmp_path / "broken.yaml"
    bad_yaml.write_text("pack: broken\nrules: [\n", encoding="utf-8")
    fake_distribution(tmp_path, "nianbao_broken", {"zz_noimport": "np_not_there",
                                                   "zz_badyaml": "np_bad_yaml"}, {
        "np_bad_yaml": f"""
            import pluggy
            hookimpl = pluggy.HookimplMarker("nianbao")
            @hookimpl
            def nianbao_rulepacks():
                return [{str(bad_yaml)!r}]
        """})
    monkeypatch.syspath_prepend(str(tmp_path))
    return bad_yaml


def test_a_broken_installed_pack_is_said_listed_in_the_header_and_exit_2(broken_plugins, tmp_path) -> None:
    card = tmp_path / "card.json"
    code, _, err = check(str(SEED), "--format", "json", "-o", str(card), "--no-cache", "-j", "1")
    lines = err.splitlines()
    assert code == 2 and "Traceback" not in err
    assert any(line.startswith("nianbao: plugin zz_noimport: cannot load np_not_there") for line in lines)
    assert any(line.startswith(f"nianbao: {broken_plugins}:3:1:") for line in lines)
    assert lines[-1] == "nianbao: 2 rule pack(s) or plugin(s) failed to load (exit 2)"
    failed = json.loads(card.read_text(encoding="utf-8"))["failed_packs"]
    assert [item["name"] for item in failed] == ["zz_noimport", str(broken_plugins)]
    # the packs that did load still checked the report
    assert json.loads(card.read_text(encoding="utf-8"))["reports"][0]["score"]["score"] is not None
    code, out, _ = check(str(SEED), "--no-cache", "-j", "1")  # the table says it too, above the summary
    assert code == 2 and "规则包未能加载（其规则未检查）：plugin zz_noimport: cannot load np_not_there" in out
    sarif = tmp_path / "card.sarif"
    check(str(SEED), "--no-cache", "-j", "1", "--format", "sarif", "-o", str(sarif))
    invocation = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("plugin zz_noimport")


def test_a_converted_document_is_validated_and_an_invalid_one_is_a_note_not_a_crash(tmp_path, monkeypatch) -> None:
    real = engine.batch.single.convert

    def broken_converter(data, name):
        document = real(data, name)
        document["meta"]["year"] = "二〇二二"  # a converter bug: the schema wants an integer
        return document

    monkeypatch.setattr(engine.batch.single, "convert", broken_converter)
    report = tmp_path / "report.txt"
    shutil.copy(SEED, report)
    entry, _ = check_input(build_checker(CheckerSpec()), report)
    assert entry["error"] is None and entry["results"]
    notes = [note for note in entry["notes"] if note["code"] == "document-invalid"]
    assert len(notes) == 1 and notes[0]["pointer"] == "/meta/year" and "$.meta.year" in notes[0]["message"]


def test_convert_finds_an_output_it_cannot_write_before_converting(tmp_path, monkeypatch) -> None:
    def no_conversion(path):
        raise AssertionError("converted before the output was checked")

    monkeypatch.setattr("engine.convert.pipeline.convert_file", no_conversion)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    for args, message in (([str(SEED)], f"{tmp_path / 'missing'}/x.json: cannot write the output: folder "
                                        f"{tmp_path / 'missing'} does not exist"),
                          ([str(SEED), str(SEED)], f"{tmp_path / 'a-file'}: cannot write the output: File exists")):
        target = tmp_path / "missing" / "x.json" if len(args) == 1 else tmp_path / "a-file"
        result = CliRunner().invoke(app, ["convert", *args, "-o", str(target)])
        assert (result.exit_code, result.stderr) == (2, f"nianbao: {message}\n")
