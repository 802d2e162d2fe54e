"""The README's first command on a fresh clone, through make, as a newcomer types it.

The clone shares this checkout's virtual environment (make is told it is up to date, `-o`), so the
test costs a smoke run, not an install. The project's evidence, paper/, must come out untouched.
"""

import os
import subprocess
import sys

import pytest
from helpers import ROOT, TINY

from cudnn_repro.commands.door import USER_ROOT

VENV = ROOT / ".venv"


def make(clone, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    command = ["make", "--no-print-directory", "-o", f"{VENV}/.runtime", f"VENV={VENV}", *args]
    return subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True)


def paper_state(clone) -> str:
    """Every change under paper/, tracked or not ("" when it is as committed)."""
    status = ["git", "status", "--porcelain", "--untracked-files=all", "--ignored", "paper"]
    return subprocess.run(status, cwd=clone, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fresh") / "cudnn-rnn-repro"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    return folder


def test_make_reproduce_writes_a_folder_of_its_own_and_leaves_paper_untouched(clone):
    done = make(clone, "reproduce", "RUNNER=local", "PROFILE=smoke", f"ARGS={' '.join(TINY[2:])} --models LSTM")
    assert done.returncode == 0, done.stderr
    (run_set,) = (clone / USER_ROOT).glob("*-cpu-keras2-tensorflow-smoke")
    assert f"report: {USER_ROOT / run_set.name / 'REPORT.md'}" in done.stdout
    assert (run_set / "REPORT.md").is_file() and (run_set / "results.json").is_file()
    summary = (clone / USER_ROOT / "SUMMARY.md").read_text()
    assert f"`{run_set.name}`" in summary and "`../paper/runs/cpu-paper`" in summary  # beside the evidence
    assert paper_state(clone) == ""


def test_a_refused_resume_costs_no_download_build_or_import(clone):
    """The same folder with other settings: refused at the door, in make's words, before the
    wheelhouse, the image or any framework."""
    args = f"ARGS={' '.join(TINY[2:])} --models LSTM --repeats 2"
    done = make(clone, "reproduce", "PROFILE=smoke", "VARIANT=cpu", args)  # RUNNER=auto: the container path
    assert done.returncode != 0
    assert "holds runs made with other settings (repeats: 1 -> 2)" in done.stderr
    assert "`make reproduce ARGS=--force` starts over" in done.stderr
    assert "wheelhouse" not in done.stdout + done.stderr and "building" not in done.stderr
    quick = make(clone, "-n", "reproduce-quick")  # its advice names the target typed
    assert "CUDNN_REPRO_CALLER='make reproduce-quick'" in quick.stdout

    imports = (
        "import sys; from cudnn_repro import cli; status = cli.main(sys.argv[1:]); "
        "print(sorted(m for m in ('keras', 'tensorflow', 'tf_keras', 'torch', 'docker') if m in sys.modules)); "
        "sys.exit(status)"
    )
    refused = subprocess.run(
        [sys.executable, "-c", imports, "container", *TINY, "--repeats", "2"], cwd=clone, capture_output=True, text=True
    )
    assert refused.returncode == 1 and refused.stdout.splitlines()[-1] == "[]", refused.stderr
    assert paper_state(clone) == ""
