"""Batch runs of `nianbao check`: folders and globs, one entry per input in input order whatever the
parallelism, unreadable inputs kept, exit codes, the cache (identical output, invalidated by a pack
change), and progress only on a terminal."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from renderers import ROOT  # noqa: F401  (puts the repository root on sys.path for bench)
from rich.console import Console
from typer.testing import CliRunner

import engine.batch.run
import engine.batch.single
import engine.inputs
from bench.series import series, write
from cli import app
from engine.batch.run import Batch, CheckerSpec, build_checker
from engine.outputs.progress import ProgressDisplay

SEEDS = Path(__file__).parent / "data" / "seeds"
PACK = """pack: extra
version: "1.0.0"
title: 测试规则包
templates: ["2019", "2021"]
scope: {level: nationwide}
rules:
  - code: E01
    name: has-agency
    title: 有发布机关
    severity: warning
    category: 规范性
    basis: 测试
    assert: "meta.agency != null"
    message: "MESSAGE"
"""


def check(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Seeds, a small series with planted cases, and inputs that cannot be read, in subfolders."""
    folder = tmp_path_factory.mktemp("corpus")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    write(series(3, years=(2020, 2021, 2022), copy_rate=0.3, break_rate=0.3, seed=2), folder / "series")
    bad = folder / "zz_bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "notjson.json").write_text("{not json", encoding="utf-8")
    (bad / "notreport.txt").write_text("今天天气很好。\n我们去公园散步。\n", encoding="utf-8")
    return folder


def inputs_of(corpus: Path) -> list[Path]:
    return list(engine.inputs.expand([corpus]))


def test_every_input_gives_one_entry_in_input_order_bad_ones_with_their_error(corpus) -> None:
    code, out, err = check(str(corpus), str(corpus / "missing.txt"), "--format", "jsonl", "--no-cache", "-j", "2")
    entries = [json.loads(line) for line in out.splitlines()]
    expected = [str(path) for path in inputs_of(corpus)] + [str(corpus / "missing.txt")]
    assert [entry["source"]["path"] for entry in entries] == expected
    errors = [entry for entry in entries if entry["error"]]
    assert [Path(entry["source"]["path"]).name for entry in errors] == [
        "binary.txt", "empty.txt", "notjson.json", "notreport.txt", "missing.txt"]
    assert all(entry["error"] in err for entry in errors)
    # Issue #10 (defect 4) declares the old exit 1 wrong: any input that could not be checked is exit 2,
    # said in a last line, while every other report is still checked and written.
    assert code == 2 and err.splitlines()[-1] == "nianbao: 5 of %d inputs could not be checked (exit 2)" % len(entries)


def test_jobs_1_and_jobs_2_give_byte_identical_json(corpus, tmp_path) -> None:
    for select in ([], ["--select", "A,I"]):  # with and without the cross-report pass
        outputs = []
        for jobs in ("1", "2"):
            target = tmp_path / f"card-{jobs}.json"
            check(str(corpus), "--format", "json", "-o", str(target), "--no-cache", "-j", jobs, *select)
            outputs.append(target.read_bytes())
        assert outputs[0] == outputs[1]
        assert json.loads(outputs[0])["summary"]["reports"] == len(inputs_of(corpus))


def test_a_glob_is_expanded_and_sorted(corpus) -> None:
    code, out, _ = check(str(corpus / "series" / "*_2021_*.txt"), "--format", "jsonl", "--no-cache")
    names = [json.loads(line)["source"]["name"] for line in out.splitlines()]
    assert names == sorted(names) and len(names) == 3 and all("_2021_" in name for name in names)


def test_exit_codes(corpus, tmp_path) -> None:
    seed = str(SEEDS / "002_1869ea635e2008ab.txt")
    assert check(seed, "--select", "T01", "--no-cache")[0] == 0  # published on time
    assert check(seed, "--select", "T01,I01", "--no-cache")[0] == 1  # spam: an error
    clean = str(SEEDS / "000_c277f382703343a1.txt")  # one warning (S03), no error
    assert check(clean, "--no-cache")[0] == 0
    assert check(clean, "--no-cache", "--fail-on", "warning")[0] == 1
    assert check(str(corpus / "zz_bad"), "--no-cache")[0] == 2  # nothing could be read
    assert check(str(tmp_path / "nothing-here"), "--no-cache")[0] == 2
    assert check(seed, "--jobs", "0")[0] == 2


def test_a_rerun_reads_the_cache_and_gives_the_same_bytes(corpus, tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first = tmp_path / "first.json"
    # --include-passes: the Batch below lists passes in full, as every format but json/jsonl does (issue 11)
    check(str(corpus), "--format", "json", "-o", str(first), "--cache-dir", str(cache), "-j", "2",
          "--include-passes")
    assert (cache / "cache.sqlite3").exists()

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again although the cache has the report")

    monkeypatch.setattr(engine.batch.single, "convert", no_conversion)  # what batch converts with
    spec = CheckerSpec()
    paths = inputs_of(corpus)
    with Batch(paths, spec, build_checker(spec), jobs=1, cache_dir=cache) as batch:
        again = list(batch.run())
    fresh = json.loads(first.read_text(encoding="utf-8"))["reports"]
    readable = [(e, f) for (_, e, _), f in zip(again, fresh) if not f["error"]]
    assert len(readable) == len(paths) - 4
    for cached, original in readable:
        cached["source"]["path"] = original["source"]["path"]
        assert json.dumps(cached, ensure_ascii=False) == json.dumps(original, ensure_ascii=False)
    monkeypatch.undo()
    second = tmp_path / "second.json"
    check(str(corpus), "--format", "json", "-o", str(second), "--cache-dir", str(cache), "-j", "2",
          "--include-passes")
    assert first.read_bytes() == second.read_bytes()


def test_an_edited_pack_under_the_same_version_is_not_served_from_the_cache(tmp_path) -> None:
    pack, cache = tmp_path / "extra.yaml", tmp_path / "cache"
    seeds = [str(path) for path in sorted(SEEDS.glob("*.txt"))]
    messages = []
    for message in ("第一版", "第二版"):
        pack.write_text(PACK.replace("MESSAGE", message).replace('"meta.agency != null"', '"meta.agency == null"'),
                        encoding="utf-8")
        _, out, _ = check(*seeds, "--pack", str(pack), "--select", "E01", "--format", "jsonl",
                          "--cache-dir", str(cache))
        messages.append({r["message"] for line in out.splitlines() for r in json.loads(line)["results"]})
    assert messages == [{"第一版"}, {"第二版"}]


def test_progress_shows_on_a_terminal_only(corpus) -> None:
    code, out, err = check(str(SEEDS), "--format", "jsonl", "--no-cache")
    assert err == "" and len(out.splitlines()) == 5  # not a terminal: nothing but the results
    screen = io.StringIO()
    with ProgressDisplay(enabled=True, console=Console(file=screen, force_terminal=True, width=100)) as shown:
        for done in range(1, 4):
            shown.update("检查", done, 3)
        shown.message("nianbao: a line above the bars")
    text = screen.getvalue()
    assert "检查" in text and "3/3" in text and "a line above the bars" in text
