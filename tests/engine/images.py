"""The engine tests' two images, made once and shared by every test.

No registry answers here, so the pinned base is stood in for by Debian 12 with python3
(the same Python 3.11 as the pinned slim base), made by mmdebstrap as a root filesystem
tarball (`make build/engine-base.tar`) and imported; the CPU image is the real Dockerfile
on that base, built offline from the wheelhouse. Both are kept on the machine and reused.
`make test-engine` runs this file first, so the build can overlap the other test suites.
"""

from __future__ import annotations

import sys

import docker
from cudnn_repro import ROOT
from cudnn_repro.launch import engine
from cudnn_repro.launch.container import LOCAL_BASE as BASE_TAG
from cudnn_repro.launch.container import VARIANTS, build_image
from cudnn_repro.launch.container import local_base as base_image


def cpu_image(client: docker.DockerClient) -> str:
    """The real Dockerfile, base swapped by build argument, built with no network."""
    base_image(client)
    return build_image(client, VARIANTS["cpu"], ROOT / "wheelhouse", base=BASE_TAG)


if __name__ == "__main__":
    try:
        print(cpu_image(engine.connect()))
    except engine.EngineError as error:
        sys.exit(f"error: {error}")
