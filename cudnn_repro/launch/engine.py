"""Every Docker engine call of the package, through docker-py (never the docker CLI).

Errors carry what the user needs to act: the fix for a missing GPU runtime, the
container's exit code and where its logs were kept.
"""

from __future__ import annotations

import codecs
import re
import signal
import sys
import tarfile
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import docker.errors
from docker.types import DeviceRequest, Mount

import docker

from ..errors import EngineFailure, Terminated
from ..files import sha256_of
from ..folders import container_log_name

GPU_REQUEST = DeviceRequest(count=-1, capabilities=[["gpu"]])
GPU_FIX = (
    "The Docker engine cannot give containers a GPU. Install the NVIDIA Container Toolkit "
    "(https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html), "
    "run `sudo nvidia-ctk runtime configure --runtime=docker` and restart the engine "
    "(`sudo systemctl restart docker`). Meanwhile: `make reproduce VARIANT=cpu` runs the CPU image, "
    "`make reproduce RUNNER=local` runs without Docker; either reports the cuDNN models as not run."
)


class EngineError(EngineFailure):
    """The engine cannot do what was asked; the message says what to do."""


class GpuRuntimeError(EngineError):
    """The engine runs, but cannot give a container the GPU: no fallback hides that."""


class ContainerFailed(EngineError):
    def __init__(self, exit_code: int, log_path: Path):
        self.exit_code = exit_code
        self.log_path = log_path
        super().__init__(f"the container exited with code {exit_code}; its logs are in {log_path}")


def connect() -> docker.DockerClient:
    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as error:
        raise EngineError(f"no Docker engine answers ({error})") from error
    return client


def decode_stream(chunks: Iterable[bytes]) -> Iterable[str]:
    """UTF-8 text from a byte stream whose chunks may split a character."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    for chunk in chunks:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def show(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stderr.write(line)
        sys.stderr.flush()


def build(client: docker.DockerClient, files: dict[str, Path], tag: str, buildargs: dict[str, str]) -> str:
    """Build from exactly `files` (archive name -> local path), with no network: every
    package comes from the wheelhouse among them. Streams the build's output; returns the image ID."""
    with tempfile.TemporaryFile() as context:
        with tarfile.open(fileobj=context, mode="w") as tar:
            for name, path in files.items():
                tar.add(path, arcname=name, filter=lambda info: None if "__pycache__" in info.name else info)
        context.seek(0)
        stream = client.api.build(
            fileobj=context, custom_context=True, tag=tag, buildargs=buildargs,
            network_mode="none", rm=True, forcerm=True, decode=True,
        )  # fmt: skip
        image_id = None
        for event in stream:
            if "error" in event:
                raise EngineError(f"image build failed: {event['error'].strip()}")
            if "stream" in event:
                show([event["stream"]])
            image_id = event.get("aux", {}).get("ID", image_id)
    if image_id is None:
        raise EngineError("image build ended without an image")
    return image_id


def gpu_preflight(client: docker.DockerClient, image: str) -> None:
    """Ask the engine for a GPU device request in a throwaway container. The engine refuses
    at start, after creating it: it is removed either way (`run(remove=True)` would keep it)."""
    container = client.containers.create(image, entrypoint=["true"], device_requests=[GPU_REQUEST])
    try:
        container.start()
        container.wait()
    except docker.errors.APIError as error:
        raise GpuRuntimeError(f"{error.explanation or error}\n{GPU_FIX}") from error
    finally:
        container.remove(force=True)


def gpu_preflight_early(client: docker.DockerClient) -> None:
    """The same request with any image already here, before gigabytes of wheels are fetched or
    an image is built. Only the engine's own refusal counts: any other failure (an image with
    no `true`, say) leaves the check to the one after the build."""
    images = client.images.list()
    if not images:
        return
    try:
        gpu_preflight(client, images[0].id)
    except GpuRuntimeError as error:
        if "could not select device driver" in str(error):
            raise


def describe(client: docker.DockerClient, image: str) -> dict:
    found = client.images.get(image)
    return {"id": found.id, "digest": (found.attrs.get("RepoDigests") or [None])[0], "labels": found.labels}


# What the workload gets: no network (the host resolved the data), a read-only root with a
# scratch /tmp (Keras, TensorFlow and matplotlib are pointed there), no capabilities, no
# privilege gain, bounded processes. A GPU run adds only its device request.
LOCKED_DOWN = {
    "network_mode": "none",
    "read_only": True,
    "tmpfs": {"/tmp": "rw,size=2g,mode=1777"},
    "cap_drop": ["ALL"],
    "security_opt": ["no-new-privileges"],
    "pids_limit": 4096,
}


def run(
    client: docker.DockerClient,
    image: str,
    command: list[str],
    mounts: list[Mount],
    environment: dict[str, str],
    user: str,
    gpu: bool,
    log_dir: Path,
) -> str:
    """Run to completion, following its output; returns that output. A non-zero exit keeps the
    logs in `log_dir`; Ctrl-C or SIGTERM stops the container, which would otherwise fit on for
    the rest of its run after this process ended. The container is always removed."""
    container = client.containers.create(
        image, command, mounts=mounts, environment=environment, user=user, init=True,
        device_requests=[GPU_REQUEST] if gpu else None, **LOCKED_DOWN,
    )  # fmt: skip
    with _sigterm_raises():
        try:
            container.start()
            show(decode_stream(container.logs(stream=True, follow=True)))
            exit_code = container.wait()["StatusCode"]
            if exit_code != 0:
                log_path = log_dir / container_log_name(container.short_id)
                log_path.write_bytes(container.logs())
                raise ContainerFailed(exit_code, log_path)
            return container.logs().decode(errors="replace")
        except (KeyboardInterrupt, Terminated):
            sys.stderr.write("\nstopping the container ...\n")
            container.stop(timeout=10)
            raise
        finally:
            container.remove(force=True)


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises Terminated in this block. Only the main thread may set a handler: a container run
    from another thread (the tests' watchers) keeps the process's own."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminated(signum, frame) -> None:
    raise Terminated


def save_archive(client: docker.DockerClient, image: str, path: Path) -> Path:
    """`docker save` the image and write `<archive>.sha256` beside it (sha256sum format)."""
    with path.open("wb") as f:
        for chunk in client.images.get(image).save(named=True):
            f.write(chunk)
    checksum = path.with_name(path.name + ".sha256")
    checksum.write_text(f"{sha256_of(path)}  {path.name}\n")
    return checksum


def load_archive(client: docker.DockerClient, path: Path) -> str:
    """Load an archive made by save_archive, after checking its SHA-256; returns the image ID."""
    remake = "make it again with `make image-archive`, or copy it again with its .sha256"
    checksum = path.with_name(path.name + ".sha256")
    if not path.is_file():
        raise EngineError(f"image archive {path} does not exist (or is not a file): {remake}")
    if not checksum.is_file():
        raise EngineError(f"{checksum} is missing: cannot check {path} before loading it; {remake}")
    expected = checksum.read_text(errors="replace").split()
    if not expected or not re.fullmatch(r"[0-9a-f]{64}", expected[0]):
        raise EngineError(f"{checksum} holds no SHA-256 (expected `sha256sum` output): {remake}")
    actual = sha256_of(path)
    if actual != expected[0]:
        raise EngineError(f"{path} has SHA-256 {actual}, {checksum.name} says {expected[0]}: corrupt archive")
    try:
        with path.open("rb") as f:
            images = client.images.load(f)
    except docker.errors.DockerException as error:
        raise EngineError(f"{path} is not a `docker save` image archive ({one_line(error)}): {remake}") from error
    if len(images) != 1:
        raise EngineError(f"{path} holds {len(images)} images, not the one `make image-archive` writes: {remake}")
    return images[0].id


def one_line(error: Exception) -> str:
    """The engine's message on one line: its explanation when it has one."""
    return " ".join(str(getattr(error, "explanation", None) or error).split())


def require_image(client: docker.DockerClient, name: str) -> None:
    """A base image named for an offline build must be here: the engine would try a registry."""
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        raise EngineError(
            f"base image {name!r} is not on this engine and nothing can be pulled here: `docker load` or "
            "`docker import` it first (`docker images` lists what is here)"
        ) from None
    except docker.errors.APIError as error:
        raise EngineError(f"base image {name!r}: {one_line(error)}") from error
