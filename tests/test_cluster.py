"""`check --scheduler`: the batch on a dask.distributed cluster gives the bytes `--jobs` gives (issue 11)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from renderers import ROOT  # noqa: F401  (puts the repository root on sys.path for bench)
from typer.testing import CliRunner

from bench.series import series, write
from cli import app

distributed = pytest.importorskip("distributed")

SEEDS = Path(__file__).parent / "data" / "seeds"


def check(*args: str) -> int:
    return CliRunner().invoke(app, ["check", *args]).exit_code


UNREADABLE = 2  # the corpus holds zz_empty.txt, and any input that could not be checked is exit 2


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as here:
        yield here


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    write(series(3, years=(2020, 2021, 2022), copy_rate=0.3, break_rate=0.3, seed=2), folder / "series")
    (folder / "zz_empty.txt").write_bytes(b"")  # an error entry comes back in its place too
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("options", [["--no-cache"], ["--no-cache", "--select", "S,A,C"],
                                     ["--no-cache", "--include-passes"]])
def test_the_cluster_gives_the_bytes_of_jobs(cluster, corpus, tmp_path, options) -> None:
    outputs = {}
    for name, how in (("jobs1", ["--jobs", "1"]), ("jobs2", ["--jobs", "2"]),
                      ("dask", ["--scheduler", cluster.scheduler_address])):
        outputs[name] = tmp_path / f"{name}.jsonl"
        assert check(str(corpus), "--format", "jsonl", "-o", str(outputs[name]), *options, *how) == UNREADABLE
    assert outputs["dask"].read_bytes() == outputs["jobs1"].read_bytes() == outputs["jobs2"].read_bytes()
    assert outputs["dask"].read_bytes().count(b"\n") == len(list(corpus.rglob("*.txt")))
    with distributed.Client(cluster.scheduler_address) as client:  # the workers did the work
        built = client.run(lambda: len(__import__("engine.batch.cluster", fromlist=["_WORKERS"])._WORKERS))
    assert sum(built.values()) >= 1


@pytest.mark.slow
def test_a_cached_rerun_on_the_cluster_reads_the_cache(cluster, corpus, tmp_path) -> None:
    cache, first, second = tmp_path / "cache", tmp_path / "first.json", tmp_path / "second.json"
    local = tmp_path / "local.json"
    assert check(str(corpus), "--format", "json", "-o", str(local), "--no-cache", "-j", "1") == UNREADABLE
    for out in (first, second):
        assert check(str(corpus), "--format", "json", "-o", str(out), "--cache-dir", str(cache),
                     "--scheduler", cluster.scheduler_address) == UNREADABLE
    assert first.read_bytes() == second.read_bytes() == local.read_bytes()


def test_an_unreachable_scheduler_is_bad_input(corpus) -> None:
    result = CliRunner().invoke(app, ["check", str(corpus / "zz_empty.txt"), "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "scheduler" in result.stderr


def test_a_malformed_scheduler_address_is_one_line(corpus) -> None:
    result = CliRunner().invoke(app, ["check", str(corpus / "zz_empty.txt"), "--scheduler", "notanaddress"])
    assert result.exit_code == 2
    assert "scheduler" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
