"""The sweep on a real one-node Slurm cluster, submitted as a user would (`reproduce.py slurm`).

Two GPU kinds (CPU-only here) make two job arrays of two smoke tasks each (the keras2 and torch
stacks), in the local venv; the summary job runs after both. One task finds a damaged results file in its run
folder: it must fail, leave that file untouched, and be listed as failed in the summary.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from cudnn_repro import ROOT, results, task_status

pytestmark = pytest.mark.root  # Slurm's daemons and munge


def wait_until_idle(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        queue = subprocess.run(["squeue", "--noheader"], capture_output=True, text=True, check=True).stdout
        if not queue.strip():
            return
        time.sleep(2)
    raise AssertionError(f"jobs still queued after {seconds} s:\n{queue}")


def test_sweep_runs_every_task_then_the_summary(slurm_cluster, tmp_path):
    out = tmp_path / "sweep"
    broken = out / "runs" / "test-second-keras2-tensorflow-smoke"
    broken.mkdir(parents=True)
    (broken / results.RESULTS_NAME).write_text("not json")
    command = [
        sys.executable, ROOT / "reproduce.py", "slurm", "--profile", "smoke", "--models", "LSTM", "--data", "synthetic",
        "--sweep", "keras2/tensorflow,torch/torch", "--gpu", "first,gres=none", "--gpu", "second,gres=none",
        "--cpus-per-task", "1", "--site", "test", "--out", str(out),
    ]  # fmt: skip
    submitted = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert submitted.returncode == 0, submitted.stderr
    assert "submitted 4 task(s)" in submitted.stdout
    wait_until_idle(600)

    for name in ("first-keras2-tensorflow", "first-torch-torch", "second-torch-torch"):
        run_dir = out / "runs" / f"test-{name}-smoke"
        assert task_status.read(run_dir)["status"] == task_status.DONE, (run_dir / task_status.LOG_NAME).read_text()
        data = results.load(run_dir / results.RESULTS_NAME)
        assert data["settings"]["stack"] == name.split("-")[1]
        launcher = data["environment"]["launcher"]
        assert launcher["CUDNN_REPRO_RUNTIME"] == "venv"
        assert launcher["SLURM_CLUSTER_NAME"] == "cudnn-repro-test"
        assert "SLURM_ARRAY_TASK_ID" in launcher
        assert data["invocations"][0]["launcher"] == launcher

    failed = task_status.read(broken)
    assert failed["status"] == task_status.FAILED and failed["exit_code"] == 1
    assert "cannot read results file" in failed["reason"], failed["reason"]
    assert (broken / results.RESULTS_NAME).read_text() == "not json"

    summary = (out / "SUMMARY.md").read_text()
    for name in ("first-keras2-tensorflow", "first-torch-torch", "second-torch-torch"):
        assert f"`runs/test-{name}-smoke`" in summary
    assert "venv, Slurm job" in summary
    assert "## Run sets missing from this summary" in summary
    assert "`runs/test-second-keras2-tensorflow-smoke`: failed (exit 1)" in summary


def test_dry_run_prints_the_scripts_and_submits_nothing(slurm_cluster, tmp_path):
    command = [sys.executable, ROOT / "reproduce.py", "slurm", "--profile", "quick", "--gpu", "a100,partition=gpu",
               "--sweep", "keras2/tensorflow", "--out", str(tmp_path / "sweep"), "--dry-run"]  # fmt: skip
    shown = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert shown.returncode == 0, shown.stderr
    assert "#SBATCH --partition=gpu" in shown.stdout and "#SBATCH --gres=gpu:1" in shown.stdout
    assert not (tmp_path / "sweep").exists()
    queue = subprocess.run(["squeue", "--noheader"], capture_output=True, text=True, check=True).stdout
    assert not queue.strip()


def test_a_requeued_task_resumes_its_results(slurm_cluster, tmp_path):
    """Preemption as Slurm does it (kill, then requeue): the task starts again and resumes."""
    out = tmp_path / "sweep"
    command = [
        sys.executable, ROOT / "reproduce.py", "slurm", "--profile", "smoke", "--models", "LSTM,GRU",
        "--train-samples", "1000", "--data", "synthetic", "--sweep", "keras2/tensorflow", "--gpu", "cpu,gres=none",
        "--cpus-per-task", "1", "--site", "test", "--out", str(out),
    ]  # fmt: skip
    submitted = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert submitted.returncode == 0, submitted.stderr
    run_dir = out / "runs" / "test-cpu-keras2-tensorflow-smoke"
    deadline = time.monotonic() + 300
    while not ((run_dir / results.RESULTS_NAME).exists() and results.load(run_dir / results.RESULTS_NAME)["runs"]):
        assert time.monotonic() < deadline, "the task never saved its first model"
        time.sleep(0.5)
    first = results.load(run_dir / results.RESULTS_NAME)["runs"][0]
    job = task_status.read(run_dir)["job_id"]
    subprocess.run(["scontrol", "requeue", job], check=True, capture_output=True)
    # Slurm starts it again by itself, once the old credential has expired (cred_expire in
    # slurm.conf.in): forcing an earlier start races slurmd's release of the old run.
    state = ["squeue", "--noheader", "--format=%T", "--jobs", job]
    while subprocess.run(state, capture_output=True, text=True).stdout.strip() != "PENDING":
        assert time.monotonic() < deadline, "the requeued task never went back to pending"
        time.sleep(0.5)
    while task_status.read(run_dir)["status"] == task_status.RUNNING:  # until the killed task has said so
        assert time.monotonic() < deadline, "the stopped task never recorded why"
        time.sleep(0.5)
    assert task_status.read(run_dir)["status"] in (task_status.PREEMPTED, task_status.REQUEUED), task_status.read(
        run_dir
    )
    wait_until_idle(600)

    record = task_status.read(run_dir)
    assert record["status"] == task_status.DONE, (run_dir / task_status.LOG_NAME).read_text()
    data = results.load(run_dir / results.RESULTS_NAME)
    assert [r["model"] for r in data["runs"]] == ["LSTM", "GRU"] and data["runs"][0] == first
    assert len(data["invocations"]) == 2 and data["invocations"][1]["runs_before"] == 1
    assert data["invocations"][1]["launcher"].get("SLURM_RESTART_COUNT") == "1"
    assert (run_dir / task_status.LOG_NAME).read_text().count("== ") == 2
