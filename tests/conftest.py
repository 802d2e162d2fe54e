"""Shared fixtures: no GPU for any test, the root marker, recorded results files (real runs, kept in
tests/fixtures); Hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from helpers import FIXTURES
from hypothesis import HealthCheck, settings

from cudnn_repro import results

# ci (make test): the same 300 generated cases every run, so a rare failure cannot reject work at
# random; deep (HYPOTHESIS_PROFILE=deep): new random cases, many more, to look for one.
settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
settings.register_profile("deep", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def gpu_results() -> dict:
    """A real run: H100, torch backend, quick profile, 3 repeats (one model cut short)."""
    return results.load(FIXTURES / "h100-torch-results.json")


@pytest.fixture
def cpu_results() -> dict:
    """A real run: this CPU, TensorFlow, quick profile, plain pair only."""
    return results.load(FIXTURES / "cpu-quick-results.json")


@pytest.fixture(autouse=True)
def no_gpu(monkeypatch):
    """Every test, and every process it starts, runs as on a CPU host even where a GPU is: each
    test's expectations (the cuDNN pair "not run") hold anywhere, and no test borrows the GPU."""
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")


def pytest_configure(config):
    config.addinivalue_line("markers", "root: needs root (a tmpfs mount, the Docker engine, Slurm's daemons)")


def pytest_runtest_setup(item):
    """A root test fails without root, never skips: CI runs as root and must run it."""
    if item.get_closest_marker("root") and os.geteuid() != 0:
        pytest.fail(f"{item.nodeid} needs root (make test runs as root)", pytrace=False)
