"""The engine tests' two images, made once and shared by every test.

No registry answers here, so the pinned base is stood in for by Debian 12 with python3
(the same Python 3.11 as the pinned slim base), made by mmdebstrap as a root filesystem
tarball (`make build/engine-base.tar`) and imported; the CPU image is the real Dockerfile
on that base, built offline from the wheelhouse. Both are kept on the machine and reused.
`make test-engine` runs this file first, so the build can overlap the other test suites.
"""

from __future__ import annotations

import sys

import docker.errors

import docker
from cudnn_repro import engine
from cudnn_repro.container import VARIANTS, build_image
from cudnn_repro.environment import ROOT

BASE_TAG = "cudnn-repro-test-base:bookworm"
BASE_TAR = ROOT / "build" / "engine-base.tar"


def base_image(client: docker.DockerClient) -> str:
    try:
        return client.images.get(BASE_TAG).id
    except docker.errors.ImageNotFound:
        pass
    if not BASE_TAR.is_file():
        raise FileNotFoundError(f"no {BASE_TAG} image and no {BASE_TAR}: `make {BASE_TAR.relative_to(ROOT)}`")
    repository, _, version = BASE_TAG.partition(":")
    client.api.import_image(src=str(BASE_TAR), repository=repository, tag=version)
    return client.images.get(BASE_TAG).id


def cpu_image(client: docker.DockerClient) -> str:
    """The real Dockerfile, base swapped by build argument, built with no network."""
    base_image(client)
    return build_image(client, VARIANTS["cpu"], ROOT / "wheelhouse", base=BASE_TAG)


if __name__ == "__main__":
    try:
        print(cpu_image(engine.connect()))
    except (engine.EngineError, FileNotFoundError) as error:
        sys.exit(f"error: {error}")
