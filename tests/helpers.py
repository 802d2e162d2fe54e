"""Helpers shared by the tests: paths, small imdb.npz files, running reproduce.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from cudnn_repro.variables import STACKS_ENV

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).with_name("fixtures")
# Why TensorFlow runs no cuDNN model in these tests: tensorflow-cpu (runtime.lock), or the CUDA
# build of gpu.lock (a GPU host's venv) with the GPU hidden (CUDA_VISIBLE_DEVICES="").
NO_CUDA_REASONS = ("this TensorFlow build has no CUDA support", "no CUDA GPU visible to TensorFlow")
# The smallest real run of reproduce.py: synthetic data, 100 reviews each way, 2 epochs.
TINY = ["--profile", "smoke", "--data", "synthetic", "--train-samples", "100", "--test-samples", "100"]
# A stack defined in the tests (toy_stack.py on toy_framework.py: NumPy, seconds), registered for a subprocess.
TOY_STACK = {STACKS_ENV: str(FIXTURES / "toy-stacks.json"), "PYTHONPATH": str(Path(__file__).parent)}


def write_imdb_npz(path: Path, n: int = 6, seed: int = 0) -> Path:
    """Ragged word-id lists stored as object arrays, as in the published imdb.npz."""
    rng = np.random.default_rng(seed)

    def reviews() -> np.ndarray:
        out = np.empty(n, dtype=object)
        for i in range(n):
            out[i] = rng.integers(1, 40000, rng.integers(5, 400)).tolist()
        return out

    labels = lambda: rng.integers(0, 2, n)  # noqa: E731
    np.savez(path, x_train=reviews(), y_train=labels(), x_test=reviews(), y_test=labels())
    return path


def reproduce(*args: str, backend: str = "tensorflow", env_extra: dict | None = None, **popen):
    env = os.environ | {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env |= env_extra or {}
    return subprocess.run(
        [sys.executable, str(ROOT / "reproduce.py"), *args], env=env, capture_output=True, text=True, **popen
    )


def fake_analysis(verdicts: list, basis=None, place=None, superseded: tuple[str, ...] = (), share: float = 1.0):
    """An Analysis holding only verdicts, for the judge's reconciling and exit rules."""
    from cudnn_repro.judge.analysis import MEASURED, Analysis, Basis
    from cudnn_repro.judge.places import Place

    place = place or Place("NVIDIA H200", "Keras 3 on TensorFlow", "graph")
    basis = basis or Basis(MEASURED, "measured")
    return Analysis({}, basis, verdicts, [], None, place, 0.95, share, list(superseded))


def write_report(results, article, out_dir: Path, quick=None):
    """What `report` does, without printing: the report's path and the analysis."""
    from cudnn_repro.commands.report import judged_report

    return judged_report(results, article, out_dir, quick)


def write_summary(paths: list[Path], out_dir: Path, article):
    """What `compare` does, without printing: the summary's path and its exit status over every claim."""
    from cudnn_repro.commands.compare import judged_summary

    path, summary = judged_summary(paths, out_dir, article)
    return path, summary.exit_status


def tiny_settings():
    """The smallest fit a stack can run: 20 reviews of 12 steps, batches of 10, 2 epochs."""
    import dataclasses

    from cudnn_repro.settings import PROFILES

    return dataclasses.replace(PROFILES["smoke"], train_samples=20, test_samples=10, epochs=2, batch_size=10, maxlen=12)


def tiny_data():
    """A Dataset of tiny_settings()'s size, made here (no loader)."""
    from cudnn_repro.measure.data import Dataset

    rng = np.random.default_rng(0)
    x = rng.integers(0, 30000, (20, 12, 1)).astype("float32")
    y = rng.integers(0, 2, 20).astype("float32")
    info = {"source": "synthetic", "note": "test data", "path": None, "sha256": None, "seed": 0,
            "x_train_shape": [20, 12, 1], "x_test_shape": [10, 12, 1]}  # fmt: skip
    return Dataset(x, y, x[:10], y[:10], info)
