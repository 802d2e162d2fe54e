"""The Slurm sweep without a cluster: parsing, each runtime's command line, the job scripts,
a task's status and log, and the summary's list of run sets that are missing.
(tests/slurm/ runs a real sweep on a one-node cluster.)"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import submitit
from helpers import FIXTURES, ROOT, write_summary

from cudnn_repro import cli, task_status
from cudnn_repro.judge.claims import load_article
from cudnn_repro.launch.image import LOCKS
from cudnn_repro.launch.slurm import ReproductionTask
from cudnn_repro.launch.sweep import GpuKind, Sweep, SweepError, Task, TaskFailed, parse_sweep


def sweep(tmp_path: Path, **fields) -> Sweep:
    defaults = dict(
        out=tmp_path / "sweep", site="hpc", gpus=(GpuKind.parse("a100,partition=gpu,gres=gpu:a100:1"),),
        combos=(("keras2", "tensorflow"),), run_options=("--profile", "quick", "--force"), profile="quick",
        runtime="venv", image=None, imdb=Path("/shared/imdb.npz"), account="proj", time_min=30, cpus_per_task=8,
    )  # fmt: skip
    return Sweep(**(defaults | fields))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a100,partition", "expected NAME[,partition=P]"),
        ("a100,memory=80g", "expected NAME[,partition=P]"),
        ("a 100", "letters, digits and inner dashes"),
        ("../up", "letters, digits and inner dashes"),
        ("a,partition=p\necho INJECTED", "only letters, digits and _ . : & | [ ] * + -"),
    ],
)
def test_bad_gpu_kind_says_the_format(text, message):
    with pytest.raises(SweepError, match=message.replace("[", r"\[")):
        GpuKind.parse(text)


def test_gpu_kind_and_sweep_parse():
    assert GpuKind.parse("v100") == GpuKind("v100", None, "gpu:1", None)
    assert GpuKind.parse("cpu,gres=none,partition=debug") == GpuKind("cpu", "debug", None, None)
    combos = parse_sweep("keras2/tensorflow,keras3/jax,keras2/tensorflow,torch/torch")
    assert combos == (("keras2", "tensorflow"), ("keras3", "jax"), ("torch", "torch"))
    for bad, message in (
        ("keras2/torch", "TensorFlow only"),
        ("torch/jax", "PyTorch only"),
        ("keras4/jax", "expected STACK/BACKEND"),
    ):
        with pytest.raises(SweepError, match=message):
            parse_sweep(bad)


def test_sweep_refuses_what_its_runtime_cannot_run(tmp_path):
    with pytest.raises(SweepError, match=r"missing\.sif: no such file"):  # looked at, even for a dry run
        sweep(tmp_path, runtime="apptainer", image=tmp_path / "missing.sif")
    with pytest.raises(SweepError, match="TensorFlow only"):
        sweep(tmp_path, runtime="pyxis", image=Path("/x.sqsh"), combos=(("keras3", "jax"),))
    if importlib.util.find_spec("torch") is None:  # as on this machine
        with pytest.raises(SweepError, match="torch, not installed in this venv"):
            sweep(tmp_path, combos=(("keras3", "torch"),))


def test_each_runtime_runs_the_same_reproduction(tmp_path):
    venv = sweep(tmp_path)
    task = venv.tasks(venv.gpus[0])[0]
    assert task.name == "hpc-a100-keras2-tensorflow-quick" and task.run_dir == (tmp_path / "sweep/runs" / task.name)
    command, env = venv.command(task)
    assert command[1:4] == ["-m", "cudnn_repro", "run"]
    assert command[4:] == ["--profile", "quick", "--force", "--stack", "keras2", "--imdb-path", "/shared/imdb.npz",
                           "--out", str(task.run_dir)]  # fmt: skip
    assert env == {"KERAS_BACKEND": "tensorflow", "CUDNN_REPRO_RUNTIME": "venv"}

    tar, sqsh = tmp_path / "cudnn-repro-gpu.tar", tmp_path / "cudnn-repro-gpu.sqsh"
    tar.touch(), sqsh.touch()
    apptainer = sweep(tmp_path, runtime="apptainer", image=tar)
    command, env = apptainer.command(task)
    assert command[:3] == ["apptainer", "exec", "--nv"] and env == {}
    assert f"{task.run_dir}:/results" in command and "/shared/imdb.npz:/data/imdb.npz:ro" in command
    assert "KERAS_BACKEND=tensorflow" in command and "CUDNN_REPRO_RUNTIME=apptainer" in command
    assert f"docker-archive://{tar}" in command
    assert command[-6:] == ["--stack", "keras2", "--out", "/results", "--imdb-path", "/data/imdb.npz"]

    pyxis = sweep(tmp_path, runtime="pyxis", image=sqsh, imdb=None)
    command, env = pyxis.command(task)
    assert command[:3] == ["srun", "--overlap", "--ntasks=1"]
    assert f"--container-image={sqsh}" in command
    assert f"--container-mounts={task.run_dir}:/results" in command
    assert env["CUDNN_REPRO_OFFLINE"] == "1" and "--imdb-path" not in command

    docker = sweep(tmp_path, runtime="docker", image=tar)
    command, _ = docker.command(task)
    assert command[3:8] == ["container", "--variant", "gpu", "--image-archive", str(tar)]


def test_dry_run_prints_every_job_script(capsys, tmp_path):
    argv = ["slurm", "--profile", "quick", "--data", "synthetic", "--gpu", "v100,partition=gpu,gres=gpu:v100:1",
            "--gpu", "h100,constraint=h100", "--sweep", "keras2/tensorflow,keras3/tensorflow", "--account", "proj",
            "--site", "hpc", "--out", str(tmp_path / "sweep"), "--dry-run"]  # fmt: skip
    assert cli.main(argv) == 0
    shown = capsys.readouterr().out
    assert shown.count("#SBATCH --array=0-1%2") == 2 and "#SBATCH --gres=gpu:v100:1" in shown
    assert "#SBATCH --constraint=h100" in shown and "#SBATCH --account=proj" in shown and "#SBATCH --time=30" in shown
    assert "#SBATCH --dependency='afterany:<array 1>:<array 2>'" in shown
    assert "export PYTHONPATH=" in shown and "submitit.core._submit" in shown
    assert "--out " + str((tmp_path / "sweep/runs/hpc-h100-keras3-tensorflow-quick").resolve()) in shown
    assert not (tmp_path / "sweep").exists()


def test_bad_sweep_is_one_line(capsys, tmp_path):
    with pytest.raises(SystemExit, match="2"):  # a bad command line
        cli.main(["slurm", "--gpu", "a100,ram=1", "--out", str(tmp_path), "--dry-run"])
    assert "argument --gpu: --gpu 'a100,ram=1': expected" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):  # a missing option is a bad command line too
        cli.main(["slurm", "--runtime", "apptainer", "--sweep", "keras2/tensorflow", "--dry-run"])
    assert "--runtime apptainer needs --image" in capsys.readouterr().err
    missing = ["slurm", "--runtime", "docker", "--image", str(tmp_path / "gone.tar"), "--sweep", "keras2/tensorflow"]
    assert cli.main([*missing, "--out", str(tmp_path), "--dry-run"]) == 1
    assert "gone.tar: no such file" in capsys.readouterr().err


def run_task(tmp_path: Path, script: str, monkeypatch) -> tuple[Path, Exception | None]:
    """One task as a Slurm job would call it (its job environment stubbed)."""
    monkeypatch.setattr(submitit, "JobEnvironment", lambda: SimpleNamespace(job_id="7_1", hostname="node1"))
    run_dir = tmp_path / "runs" / "t"
    task = ReproductionTask(Task("t", GpuKind("cpu", gres=None), "keras2", "tensorflow", run_dir),
                            ["sh", "-c", script, "--force"], {"MARK": "1"})  # fmt: skip
    try:
        task()
    except TaskFailed as error:
        return run_dir, error
    return run_dir, None


def test_task_logs_its_command_and_records_its_status(tmp_path, monkeypatch):
    run_dir, error = run_task(tmp_path, 'echo "working $MARK"', monkeypatch)
    assert error is None and task_status.read(run_dir)["status"] == task_status.DONE
    assert "working 1" in (run_dir / task_status.LOG_NAME).read_text()

    run_dir, error = run_task(tmp_path, "echo 'error: the dataset is damaged' >&2; echo later; exit 3", monkeypatch)
    assert "exit 3: error: the dataset is damaged" in str(error)
    record = task_status.read(run_dir)
    assert record["status"] == task_status.FAILED and record["exit_code"] == 3
    assert record["reason"] == "error: the dataset is damaged" and record["job_id"] == "7_1"


def test_requeued_task_resumes_instead_of_starting_over(tmp_path):
    run_dir = tmp_path / "r"
    task = ReproductionTask(Task("r", GpuKind("cpu"), "keras2", "tensorflow", run_dir), ["run", "--force", "-x"], {})
    again = task.checkpoint()
    assert again.function.command == ["run", "-x"] and task_status.read(run_dir)["status"] == task_status.REQUEUED


def test_summary_lists_run_sets_that_are_missing(tmp_path):
    runs = tmp_path / "runs"
    good = runs / "hpc-a100-keras2-tensorflow"
    good.mkdir(parents=True)
    shutil.copy(FIXTURES / "cpu-quick-results.json", good / "results.json")
    task_status.record(good, task_status.DONE)
    cases = {
        "hpc-v100-keras2-tensorflow": (task_status.QUEUED, "never started"),
        "hpc-h100-keras2-tensorflow": (task_status.RUNNING, "did not finish: last seen running"),
        "hpc-t4-keras2-tensorflow": (task_status.DONE, "finished without a results.json"),
    }
    for name, (status, _) in cases.items():
        (runs / name).mkdir()
        task_status.record(runs / name, status, job_id="7_1")
    (runs / "hand-made").mkdir()
    (runs / "hand-made" / "results.json").write_text(json.dumps([1, 2]))
    summary = write_summary([runs], tmp_path, load_article())[0].read_text()
    assert "`runs/hpc-a100-keras2-tensorflow`" in summary.split("## Verdicts")[0]
    missing = summary.split("## Run sets missing from this summary")[1]
    for name, (_, why) in cases.items():
        assert f"- `runs/{name}`: {why}" in missing
    assert "- `runs/hand-made`: " in missing and "results.json" in missing


def test_a_task_stopped_by_slurm_says_preempted_not_failed(tmp_path, monkeypatch):
    run_dir, _ = run_task(tmp_path, "kill -TERM $$", monkeypatch)
    record = task_status.read(run_dir)
    assert record["status"] == task_status.PREEMPTED and "resumes" in record["reason"], record
    assert "did not finish: last seen preempted" in dict(task_status.unfinished([tmp_path]))[run_dir]


def test_a_runtime_missing_on_the_node_is_a_failed_task_with_its_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(submitit, "JobEnvironment", lambda: SimpleNamespace(job_id="7_1", hostname="node1"))
    run_dir = tmp_path / "runs" / "t"
    task = ReproductionTask(Task("t", GpuKind("cpu", gres=None), "keras2", "tensorflow", run_dir),
                            ["no-such-apptainer", "exec"], {})  # fmt: skip
    with pytest.raises(TaskFailed, match="cannot start no-such-apptainer on node1"):
        task()
    assert task_status.read(run_dir)["status"] == task_status.FAILED


@pytest.mark.parametrize("content", ['"queued"', "[1]", '{"status": "exploded"}', "[" * 50_000])
def test_a_task_file_that_is_not_a_record_is_listed_as_failed(tmp_path, content):
    (tmp_path / task_status.TASK_NAME).write_text(content)
    record = task_status.read(tmp_path)
    assert record["status"] == task_status.FAILED and task_status.TASK_NAME in record["reason"]


def test_a_sweep_never_writes_into_a_folder_of_someone_elses(tmp_path):
    """The same rule as a run's --out (folders.py), for every task's folder, before anything is submitted."""
    theirs = tmp_path / "sweep" / "runs" / "hpc-a100-keras2-tensorflow-quick"
    theirs.mkdir(parents=True)
    (theirs / "REPORT.md").write_text("my notes")
    with pytest.raises(SweepError, match=r"holds files but no run of this package \(REPORT.md\)"):
        sweep(tmp_path)
    assert (theirs / "REPORT.md").read_text() == "my notes"


def test_run_folders_never_leave_out(tmp_path):
    sweep = dict(out=tmp_path, gpus=(GpuKind("a100"),), combos=(("keras2", "tensorflow"),), run_options=(),
                 profile="quick", runtime="venv", image=None, imdb=None, account=None, time_min=10,
                 cpus_per_task=1)  # fmt: skip
    for site in ("../../escape", "/abs", "a/b", "", "-x"):
        with pytest.raises(SweepError, match="--site"):
            Sweep(site=site, **sweep)
    with pytest.raises(SweepError, match="--account"):
        Sweep(site="ok", **sweep | {"account": "p\necho INJECTED"})
    (task,) = Sweep(site="ok", **sweep).tasks(GpuKind("a100"))
    assert task.run_dir.parent == (tmp_path / "runs").resolve()


def test_missing_sbatch_is_exit_8_with_the_fix(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    argv = ["slurm", "--profile", "smoke", "--data", "synthetic", "--sweep", "keras2/tensorflow", "--site", "s",
            "--out", str(tmp_path / "sweep")]  # fmt: skip
    assert cli.main(argv) == 8
    err = capsys.readouterr().err
    assert err.startswith("error: sbatch not found on PATH") and err.count("\n") == 1


def test_the_makefile_names_the_images_locks():
    makefile = (ROOT / "Makefile").read_text()
    assert dict(re.findall(r"^LOCK_(\w+) := (\S+)$", makefile, re.M)) == LOCKS
