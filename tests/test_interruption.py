"""Ctrl-C in the middle of a batch (issue #10, defect 2): one line, exit 130, no worker traceback, no
hang, the previous `-o` file intact, and a rerun that resumes from the cache and writes the same
bytes as an uninterrupted run.

The command runs in a subprocess of its own process group, and SIGINT goes to the whole group, as a
terminal's Ctrl-C does (so the workers get it too). The moments are spread over the length of a
clean run, measured first: early (imports, packs loading), while converting, checking and writing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from renderers import ROOT  # noqa: F401  (puts the repository root on sys.path for bench)

from bench.corpus import generate

PREVIOUS = "the scorecard of an earlier run\n"
FRACTIONS = (0.05, 0.25, 0.45, 0.65, 0.85)  # of a clean run's duration
# Before the interpreter reaches nianbao's first line, Ctrl-C gives Python's own traceback; that much
# of the start is not nianbao's to handle. It is measured (a loaded CI machine takes longer than 0.3 s
# to start an interpreter with editable installs) and the earliest moment is kept well past it.
STARTUP_FLOOR = 0.3
TIMEOUT = 120  # seconds: a run that outlives this after SIGINT hangs


COMMAND = Path(sys.executable).parent / "nianbao"  # the installed command, as a user runs it


def interpreter_startup() -> float:
    """The slowest of a few starts of this interpreter, to the point where a script's first line runs."""
    times = []
    for _ in range(3):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.monotonic() - started)
    return max(times)


def nianbao(*args: str) -> subprocess.Popen:
    return subprocess.Popen([str(COMMAND), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


@pytest.mark.slow
def test_sigint_leaves_the_previous_output_and_a_rerun_gives_the_clean_bytes(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    generate(60, seed=10, out_dir=corpus)
    card, clean = tmp_path / "card.json", tmp_path / "clean.json"
    base = ["check", str(corpus), "--format", "json", "-j", "2", "--select", "A,C,I"]  # two passes (I02, I03)

    started = time.monotonic()
    run = nianbao(*base, "-o", str(clean), "--no-cache")
    run.communicate(timeout=TIMEOUT)
    duration = time.monotonic() - started
    assert run.returncode in (0, 1) and clean.exists()

    startup = max(STARTUP_FLOOR, 3 * interpreter_startup())
    cache = tmp_path / "cache"
    interrupted = 0
    for fraction in FRACTIONS:
        card.write_text(PREVIOUS, encoding="utf-8")
        run = nianbao(*base, "-o", str(card), "--cache-dir", str(cache))
        time.sleep(max(startup, duration * fraction))
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGINT)
        _, err = run.communicate(timeout=TIMEOUT)  # no hang
        if run.returncode == 130:
            interrupted += 1
            lines = err.splitlines()  # the card is named once the command has started working on it
            assert len(lines) == 1 and lines[0] in ("nianbao: interrupted",
                                                    f"nianbao: interrupted; {card} is left as it was"), err
            assert card.read_text(encoding="utf-8") == PREVIOUS
        elif run.returncode == -signal.SIGINT and not err:
            # The signal came while the interpreter was starting or finalizing, when Python's own
            # handler is not installed: the default action ends the process silently. Either way
            # the card is the previous one or the whole new one, never a part.
            assert card.read_bytes() in (PREVIOUS.encode("utf-8"), clean.read_bytes())
        else:  # it finished first (a warm cache makes later runs quick): then it wrote the whole card
            assert run.returncode in (0, 1), err
            assert card.read_bytes() == clean.read_bytes()
        left = {p.name for p in tmp_path.iterdir()} - {"cache", "card.json", "clean.json", "corpus"}
        assert left == set()  # no temporary output left behind
    print(f"clean run {duration:.1f} s; interrupted {interrupted} of {len(FRACTIONS)}")
    assert interrupted >= 2  # the moments above do land inside the run

    rerun = nianbao(*base, "-o", str(card), "--cache-dir", str(cache))
    _, err = rerun.communicate(timeout=TIMEOUT)
    assert rerun.returncode in (0, 1), err
    assert card.read_bytes() == clean.read_bytes()
