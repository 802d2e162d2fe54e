"""Real-Docker-engine fixtures: a local Debian 12 base and the CPU image built offline.

No registry answers here, so the base is made with debootstrap from Debian's packages
and imported; it is kept on the machine and reused by later runs. These tests fail
loudly, never skip, when no engine answers: CI must run them.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import docker.errors
import pytest

import docker
from cudnn_repro import engine
from cudnn_repro.container import VARIANTS, build_image
from cudnn_repro.environment import ROOT

BASE_TAG = "cudnn-repro-test-base:bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"


@pytest.fixture(scope="session")
def client() -> docker.DockerClient:
    try:
        return engine.connect()
    except engine.EngineError as error:
        pytest.fail(f"these tests need a running Docker engine: {error}")


@pytest.fixture(scope="session")
def base_image(client) -> str:
    """Debian 12 with python3 and venv: the same Python 3.11 as the pinned slim base."""
    try:
        return client.images.get(BASE_TAG).id
    except docker.errors.ImageNotFound:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        rootfs = Path(tmp) / "rootfs"
        command = ["debootstrap", "--variant=minbase", "--include=python3,python3-venv", "bookworm", str(rootfs)]
        subprocess.run([*command, DEBIAN_MIRROR], check=True, capture_output=True)
        return engine.import_rootfs(client, rootfs, BASE_TAG)


@pytest.fixture(scope="session")
def cpu_image(client, base_image) -> str:
    """The real Dockerfile, base swapped by build argument, built with no network."""
    return build_image(client, VARIANTS["cpu"], ROOT / "wheelhouse", base=BASE_TAG)


@pytest.fixture
def results_dir(tmp_path) -> Path:
    """An output folder owned by a user other than root, as a user's own folder is."""
    out = tmp_path / "paper"
    out.mkdir()
    os.chown(out, 4321, 4321)
    return out
