"""A stack is its module and its stacks.json entry: one defined in the tests runs end to end through the
command line, with no change to the package."""

from __future__ import annotations

import json

from helpers import TINY, TOY_STACK, reproduce

from cudnn_repro.variables import IMAGE_ID_ENV


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
