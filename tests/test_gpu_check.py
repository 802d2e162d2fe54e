"""bench/gpu_check.sh, the script a borrowed GPU runs, checked on the CPU in its dry mode first."""

import importlib.metadata
import json
import os
import re
import subprocess
import sys

from helpers import ROOT

# The GPU machine, simulated in each Python process of the dry run: a module that neither that machine
# nor the carried wheels provide cannot be imported (ImportError, as there); each process appends the
# top-level modules it imported to $IMPORT_LOG at exit.
MACHINE = """
import atexit, importlib.abc, importlib.machinery, os, sys

BLOCKED = set(os.environ["BLOCKED_MODULES"].split(","))


class Absent(importlib.abc.Loader):
    def create_module(self, spec):
        raise ImportError(f"{spec.name} is not on the GPU machine", name=spec.name)

    def exec_module(self, module):
        pass


class Machine(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            return importlib.machinery.ModuleSpec(name, Absent())
        return None


sys.meta_path.insert(0, Machine())
atexit.register(lambda: open(os.environ["IMPORT_LOG"], "a").write("\\n".join(sorted(sys.modules)) + "\\n"))
"""


def normalised(name: str) -> str:
    """A distribution's name as both lists write it: lower case, dashes, no CUDA suffix (cu12 here, cu13 there)."""
    return re.sub(r"-cu\d+$", "", re.sub(r"[-_.]+", "-", name).lower())


def listed(path) -> set[str]:
    lines = [line.split("==")[0].strip() for line in path.read_text().splitlines() if not line.startswith("#")]
    return {normalised(line) for line in lines if line}


def provided() -> dict[str, set[str]]:
    """Each top-level module installed here, and the distributions that provide it."""
    return {m: {normalised(d) for d in ds} for m, ds in importlib.metadata.packages_distributions().items()}


def test_every_stage_of_the_gpu_script_runs_here_smoke_sized(tmp_path):
    """... as on the GPU machine: with every package that machine lacks unimportable, but the wheels that
    requirements/gpu-wheels.txt carries (a new import the machine lacks fails here, not on the GPU)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(MACHINE)
    log = tmp_path / "imports.txt"
    allowed = listed(ROOT / "bench" / "gpu-machine-packages.txt") | listed(ROOT / "requirements" / "gpu-wheels.txt")
    blocked = {m for m, ds in provided().items() if not ds & allowed and m not in sys.stdlib_module_names}
    blocked -= {"cudnn_repro"}
    env = os.environ | {"PYTHON": sys.executable, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3",
                        "PYTHONPATH": str(hook), "IMPORT_LOG": str(log),
                        "BLOCKED_MODULES": ",".join(blocked)}  # fmt: skip
    done = subprocess.run(
        ["bash", "bench/gpu_check.sh", str(tmp_path), "cpu", "--dry-run"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=2400,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr  # an import the machine lacks: add it to requirements/gpu-wheels.txt
    exits = re.findall(r"^== (\S+): exit (\d+)$", done.stdout, re.M)
    stages = [("jax-paper", "0"), ("jax-cudnn-call", "0"), ("torch-quick", "0"), ("torch-paper", "0")]
    assert exits == [*stages, ("validation", "0")], done.stdout
    assert "jax_default_matmul_precision: highest" in done.stdout and "XLA_FLAGS: " in done.stdout
    expected = {  # stage: stack, backend, models, the stage's own (pre-smoke) profile; the article's kind first
        "jax-paper": ("keras3", "jax", ["LSTM", "CuDNNLSTM"], "paper"),
        "torch-quick": ("torch", "torch", ["LSTM", "GRU", "CuDNNLSTM", "CuDNNGRU"], "quick"),
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
    imported = set(log.read_text().split())
    assert {"torch", "jax", "keras", "jsonschema", "cudnn_repro.measure.workload"} <= imported  # the stages ran
    assert "tensorflow" in blocked and "tensorflow" not in imported  # the machine has none
    machine, wheels = (
        listed(ROOT / "bench" / "gpu-machine-packages.txt"),
        listed(ROOT / "requirements" / "gpu-wheels.txt"),
    )
    assert not wheels & machine, "a wheel the machine already has would replace its own version"
