"""bench/gpu_check.sh, the script a borrowed GPU runs, checked on the CPU in its dry mode first."""

import json
import os
import re
import subprocess
import sys

from helpers import ROOT


def test_every_stage_of_the_gpu_script_runs_here_smoke_sized(tmp_path):
    env = os.environ | {"PYTHON": sys.executable, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        ["bash", "bench/gpu_check.sh", str(tmp_path), "cpu", "--dry-run"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    exits = re.findall(r"^== (\S+): exit (\d+)$", done.stdout, re.M)
    assert exits == [("torch-quick", "0"), ("jax-quick", "0"), ("torch-paper", "0"), ("validation", "0")], done.stdout
    expected = {  # stage: stack, backend, models, the stage's own (pre-smoke) profile
        "torch-quick": ("torch", "torch", ["LSTM", "GRU", "CuDNNLSTM", "CuDNNGRU"], "quick"),
        "jax-quick": ("keras3", "jax", ["LSTM", "CuDNNLSTM"], "quick"),
        "torch-paper": ("torch", "torch", ["CuDNNLSTM", "CuDNNGRU", "LSTM", "GRU"], "paper"),
    }
    for stage, (stack, backend, models, profile) in expected.items():
        results = json.loads((tmp_path / f"cpu-{stage}" / "results.json").read_text())
        s = results["settings"]
        assert (s["stack"], s["backend"], s["models"], s["profile"]) == (stack, backend, models, "smoke")
        assert f"--profile {profile}" in " ".join(results["environment"]["argv"])  # the real command, then smoke
        status = {r["model"]: r["status"] for r in results["runs"]}
        assert status == {m: "not_run" if m.startswith("CuDNN") else "ok" for m in models}
    assert "## Quick verdict validation" in (tmp_path / "cpu-torch-paper" / "REPORT.md").read_text()
