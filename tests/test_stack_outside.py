"""A stack is its module and its stacks.json entry: one defined in the tests runs end to end through the
command line, with no change to the package; moved into the package, it touches only the files
docs/adding-a-stack.md lists."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import FIXTURES, ROOT, TINY, TOY_STACK, reproduce

from cudnn_repro.variables import IMAGE_ID_ENV, STACKS_ENV

HERE = Path(__file__).parent


def test_a_stack_defined_outside_the_package_runs_the_smoke_profile_end_to_end(tmp_path):
    done = reproduce(*TINY, "--stack", "toy", "--out", str(tmp_path), env_extra=TOY_STACK)
    assert done.returncode == 0, done.stderr
    state = json.loads((tmp_path / "results.json").read_text())  # this process knows no toy stack
    assert (state["settings"]["stack"], state["settings"]["backend"]) == ("toy", "numpy")
    ran = {(r["model"], r["status"]) for r in state["runs"]}
    assert ran == {("LSTM", "ok"), ("GRU", "ok"), ("CuDNNLSTM", "not_run"), ("CuDNNGRU", "not_run")}
    assert {r["reason"] for r in state["runs"] if r["status"] == "not_run"} == {"NumPy computes on the CPU only"}
    assert state["environment"]["backend"]["name"] == "numpy"
    report = (tmp_path / "REPORT.md").read_text()
    assert "a toy on NumPy" in report and "A toy logistic regression on NumPy" in report
    assert (tmp_path / "verdicts.json").exists() and (tmp_path / "figure.png").exists()


def test_without_its_registration_the_stack_is_a_usage_error(tmp_path):
    refused = reproduce(*TINY, "--stack", "toy", "--out", str(tmp_path))
    assert refused.returncode == 2 and "invalid choice: 'toy'" in refused.stderr


def test_a_run_in_the_image_leaves_the_report_to_the_host(tmp_path):
    """A container run's report is written once, on the host where its user reads it (commands/container.py)."""
    done = reproduce(*TINY, "--stack", "toy", "--out", str(tmp_path), env_extra=TOY_STACK | {IMAGE_ID_ENV: "sha256:x"})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "results.json").exists() and not (tmp_path / "REPORT.md").exists()
    assert "report:" not in done.stdout


def listed_files() -> dict[str, str]:
    """docs/adding-a-stack.md's list: each file a new stack touches, and when."""
    page = (ROOT / "docs" / "adding-a-stack.md").read_text()
    block = page.split("<!-- files a new stack touches -->")[1].split("<!-- end files -->")[0]
    listed = {}
    for line in block.strip().splitlines():
        paths, when = re.fullmatch(r"- (.*?): .*\((.*)\)", line).groups()
        listed |= dict.fromkeys(re.findall(r"`([^`]+)`", paths), when)
    return listed


def test_a_stack_added_inside_the_package_touches_only_the_files_the_guide_lists(tmp_path):
    """The toy stack and its NumPy framework, moved into a copy of the package: their modules and
    stacks.json entries written, nothing else, and the copy runs it end to end."""
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "cudnn_repro", copy / "cudnn_repro", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "reproduce.py", copy)
    toy = json.loads((FIXTURES / "toy-stacks.json").read_text())
    written = {
        "cudnn_repro/measure/stacks/toy.py": (HERE / "toy_stack.py").read_text(),
        "cudnn_repro/measure/frameworks/numpy.py": (HERE / "toy_framework.py").read_text(),
    }
    toy["stacks"]["toy"]["module"] = "cudnn_repro.measure.stacks.toy"
    toy["frameworks"]["numpy"]["module"] = "cudnn_repro.measure.frameworks.numpy"
    facts = json.loads((ROOT / "cudnn_repro" / "stacks.json").read_text())
    for part in ("stacks", "frameworks"):
        facts[part] |= toy[part]
    written["cudnn_repro/stacks.json"] = json.dumps(facts, indent=1)
    for name, text in written.items():
        (copy / name).write_text(text)

    listed = listed_files()
    always = {path for path, when in listed.items() if when == "always"}
    package_files = {p.replace("<stack>", "toy").replace("<framework>", "numpy") for p in listed
                     if p.startswith("cudnn_repro/") and (p in always or "framework" in listed[p])}  # fmt: skip
    assert set(written) == package_files, "the guide's list of package files is what adding a stack took"
    assert {"docs/stacks.md", "cudnn_repro/stacks.json", "cudnn_repro/measure/stacks/<stack>.py"} == always
    env = os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env.pop(STACKS_ENV, None)
    done = subprocess.run([sys.executable, "reproduce.py", *TINY, "--stack", "toy", "--out", str(tmp_path / "out")],
                          cwd=copy, env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    state = json.loads((tmp_path / "out" / "results.json").read_text())
    assert (state["settings"]["stack"], state["settings"]["backend"]) == ("toy", "numpy")
    assert "a toy on NumPy" in (tmp_path / "out" / "REPORT.md").read_text()
