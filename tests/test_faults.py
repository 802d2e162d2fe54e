"""Faults a real run meets, caused for real: kill -9 mid-run, a full disk (a small tmpfs as
--out; mounting it needs root, as `make test` has), and reports written onto a full disk. Where the
fault is the harness's alone (the disk), the toy stack runs it: seconds, not a framework's start."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, TINY, TOY_STACK, reproduce


def kill_when(args: list[str], words: str) -> None:
    """Start a run and kill -9 it when its log says `words`."""
    env = os.environ | {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    with subprocess.Popen(args, env=env, stderr=subprocess.PIPE, text=True) as proc:
        for line in proc.stderr:
            if words in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.stderr.read()
    assert proc.returncode == -signal.SIGKILL


def test_kill_9_after_a_model_then_the_same_command_resumes_it_byte_for_byte(tmp_path):
    out = tmp_path / "paper"
    command = [*TINY, "--models", "LSTM,GRU", "--out", str(out)]
    kill_when([sys.executable, str(ROOT / "reproduce.py"), *command], "GRU run 1/1: fitting")
    saved = (out / "results.json").read_bytes()
    assert not list(out.glob(".results.json.*"))  # no temporary file left by the kill

    resumed = reproduce(*command)  # the dead run's lock is taken over
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming" in resumed.stderr and "1 run(s) already done" in resumed.stderr
    before, after = json.loads(saved), json.loads((out / "results.json").read_bytes())
    lstm = [r for r in after["runs"] if r["model"] == "LSTM"]
    assert lstm == before["runs"] and [r["model"] for r in after["runs"]] == ["LSTM", "GRU"]


@pytest.fixture
def small_disk(tmp_path) -> Path:
    """A 2 MiB tmpfs: room for one smoke run's files, then filled up by the test."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(f"this test mounts a tmpfs and needs root: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path) -> None:
    with (disk / "filler").open("wb", buffering=0) as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 4096)


@pytest.mark.root
def test_a_full_disk_is_one_line_and_loses_nothing(small_disk):
    out = small_disk / "paper"
    command = [*TINY, "--stack", "toy", "--models", "LSTM,GRU", "--out", str(out)]
    first = reproduce(*command, env_extra=TOY_STACK)
    assert first.returncode == 0, first.stderr
    # As if it had been stopped after LSTM: the same command resumes with GRU (other settings would be
    # refused at the door, before anything is written).
    state = json.loads((out / "results.json").read_text())
    (out / "results.json").write_text(json.dumps(state | {"runs": state["runs"][:1]}))
    kept = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    fill(small_disk)

    more = reproduce(*command, env_extra=TOY_STACK)  # resumes; no room to save GRU
    assert more.returncode == 1 and "Traceback" not in more.stderr, more.stderr
    assert more.stderr.strip().splitlines()[-1].startswith("error: cannot write to ")
    assert "No space left on device" in more.stderr
    report = reproduce("report", str(out / "results.json"), env_extra=TOY_STACK)
    assert report.returncode == 1 and "Traceback" not in report.stderr, report.stderr
    assert "error: cannot write the report to" in report.stderr and "No space left on device" in report.stderr

    # Every file that was there is whole, and nothing half-written was added.
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == kept
