"""Shared fixtures: recorded results files (real runs, kept in tests/fixtures)."""

from __future__ import annotations

import json

import pytest
from helpers import FIXTURES


@pytest.fixture
def gpu_results() -> dict:
    """A real run: H100, torch backend, quick profile, 3 repeats (one model cut short)."""
    return json.loads((FIXTURES / "h100-torch-results.json").read_text())


@pytest.fixture
def cpu_results() -> dict:
    """A real run: this CPU, TensorFlow, quick profile, plain pair only."""
    return json.loads((FIXTURES / "cpu-quick-results.json").read_text())
