"""Real-Docker-engine fixtures: the shared local base and CPU image (images.py).

These tests fail loudly, never skip, when no engine answers: CI must run them.
"""

from __future__ import annotations

import os
from pathlib import Path

import images
import pytest

import docker
from cudnn_repro.launch import engine


@pytest.fixture(scope="session")
def client() -> docker.DockerClient:
    try:
        return engine.connect()
    except engine.EngineError as error:
        pytest.fail(f"these tests need a running Docker engine: {error}")


@pytest.fixture(scope="session")
def base_image(client) -> str:
    try:
        return images.base_image(client)
    except FileNotFoundError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def cpu_image(client, base_image) -> str:
    return images.cpu_image(client)


@pytest.fixture
def results_dir(tmp_path) -> Path:
    """An output folder owned by a user other than root, as a user's own folder is."""
    out = tmp_path / "paper"
    out.mkdir()
    os.chown(out, 4321, 4321)
    return out
