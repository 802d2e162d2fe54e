"""The host side of a containerised run: get the pinned image, check the GPU runtime,
run the workload in it with the output folder mounted, re-render the report here.

The host never measures: it starts the container and reads the results file back.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import docker.errors
from docker.types import Mount

from .. import ROOT, __version__
from ..files import sha256_of
from ..measure.data import find_imdb
from ..measure.environment import LAUNCHER_VARIABLES, collect_gpu, git_state
from ..variables import (
    CALLER_ENV,
    GIT_COMMIT_ENV,
    GIT_DIRTY_ENV,
    HOST_COMMAND_ENV,
    IMAGE_BASE_ENV,
    IMAGE_BASE_PINNED_ENV,
    IMAGE_DIGEST_ENV,
    IMAGE_ID_ENV,
    OFFLINE_ENV,
)
from . import engine
from .image import IMAGE_UID, INNER_IMDB, INNER_OUT, LOCKS


@dataclass(frozen=True)
class Variant:
    name: str
    lock: str
    cuda: str
    cudnn: str

    @property
    def tag(self) -> str:
        return f"cudnn-repro:{self.name}-{__version__}"


VARIANTS = {
    "cpu": Variant("cpu", LOCKS["cpu"], "none", "none"),
    "gpu": Variant("gpu", LOCKS["gpu"], "12.5", "9.3"),
}


def choose_variant(requested: str) -> Variant:
    if requested != "auto":
        return VARIANTS[requested]
    host: dict = {}
    collect_gpu(host)
    if host["gpu"]["present"]:
        print(f"host GPU: {host['gpu']['name']}: using the GPU image", file=sys.stderr)
        return VARIANTS["gpu"]
    print(f"no NVIDIA GPU on this host ({host['gpu']['reason']}): using the CPU image", file=sys.stderr)
    return VARIANTS["cpu"]


def image_files(variant: Variant, wheelhouse: Path) -> dict[str, Path]:
    """The build context: exactly what the Dockerfile copies, nothing else."""
    wheels = wheelhouse / variant.name
    if not any(wheels.glob("*.whl")):
        raise engine.EngineError(f"no wheels in {wheels}: run `make wheelhouse VARIANT={variant.name}` first")
    return {
        "Dockerfile": ROOT / "docker" / "Dockerfile",
        f"requirements/{variant.lock}": ROOT / "requirements" / variant.lock,
        "wheelhouse": wheels,
        "cudnn_repro": ROOT / "cudnn_repro",
        "reproduce.py": ROOT / "reproduce.py",
    }


def inputs_digest(files: dict[str, Path], buildargs: dict[str, str]) -> str:
    """SHA-256 over every byte the build would see, and its arguments."""
    digest = hashlib.sha256(json.dumps(buildargs, sort_keys=True).encode())
    for name, root in sorted(files.items()):
        paths = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in (p for p in paths if p.is_file() and "__pycache__" not in p.parts):
            digest.update(f"{name}/{path.relative_to(root) if root.is_dir() else ''}".encode())
            digest.update(bytes.fromhex(sha256_of(path)))
    return digest.hexdigest()


def preflight(variant_name: str) -> str:
    """What `container --preflight` checks, before `make reproduce` fetches any wheel."""
    client = engine.connect()
    variant = choose_variant(variant_name)
    if variant.name == "gpu":
        engine.gpu_preflight_early(client)
        return "the engine answers, and gives a container the GPU (or cannot be asked before a build)"
    return "the engine answers (CPU image)"


def require_checkout() -> None:
    """The image is built from the repository's files: an installed package has none of them."""
    missing = [name for name in ("docker/Dockerfile", "requirements", "reproduce.py") if not (ROOT / name).exists()]
    if missing:
        raise engine.EngineError(
            f"building the image needs a checkout of the repository ({', '.join(missing)} missing under {ROOT}): "
            "run this from a git clone, not an installed package"
        )


# Where no registry answers: Debian 12 with python3 (the pinned slim base's Python 3.11), made here
# by mmdebstrap as a root filesystem (`make build/engine-base.tar`) and imported. `--base local` names it.
LOCAL_BASE = "cudnn-repro-test-base:bookworm"
LOCAL_BASE_TAR = ROOT / "build" / "engine-base.tar"
BASE_LABEL = "org.opencontainers.image.base.name"
INPUTS_LABEL = "io.cudnn-repro.inputs"  # set by the Dockerfile's last step: only a finished build has it
REVISION_LABEL = "org.opencontainers.image.revision"  # the checkout's commit when the image was built
DIRTY = "-dirty"  # after the commit: the checkout had uncommitted changes then


def image_revision(labels: dict[str, str]) -> tuple[str | None, bool]:
    """(commit, had uncommitted changes) of the code the image holds, from its label: what ran, not
    what the checkout holds by the time the container starts."""
    revision = labels.get(REVISION_LABEL) or ""
    commit, dirty, _ = revision.partition(DIRTY)
    return (commit if commit not in ("", "None", "unknown") else None), bool(dirty)


def pinned_base(dockerfile: Path = ROOT / "docker" / "Dockerfile") -> str | None:
    """The base the Dockerfile pins by digest (its one owner is the Dockerfile's `ARG BASE=`), or None
    where there is no Dockerfile to ask: an installed package running an archived image."""
    found = re.search(r"^ARG BASE=(\S+)$", dockerfile.read_text(), re.MULTILINE) if dockerfile.is_file() else None
    return found.group(1) if found else None


def local_base(client) -> str:
    """The local Debian base, imported once from its tarball; its image ID."""
    try:
        return client.images.get(LOCAL_BASE).id
    except docker.errors.ImageNotFound:
        pass
    if not LOCAL_BASE_TAR.is_file():
        raise engine.EngineError(f"no {LOCAL_BASE} image and no {LOCAL_BASE_TAR}: `make build/engine-base.tar`")
    repository, _, version = LOCAL_BASE.partition(":")
    client.api.import_image(src=str(LOCAL_BASE_TAR), repository=repository, tag=version)
    return client.images.get(LOCAL_BASE).id


def build_image(client, variant: Variant, wheelhouse: Path, base: str | None = None) -> str:
    """Build offline, or reuse the image already built from exactly the same inputs."""
    require_checkout()
    commit, dirty = git_state()
    buildargs = {
        "LOCK": variant.lock,
        "VERSION": __version__,
        "VARIANT": variant.name,
        "CUDA_VERSION": variant.cuda,
        "CUDNN_VERSION": variant.cudnn,
        "REVISION": f"{commit}{DIRTY if dirty else ''}",
        "USER_ID": str(IMAGE_UID),
    }
    if base == "local":
        local_base(client)
        base = LOCAL_BASE
    if base:
        engine.require_image(client, base)
        buildargs["BASE"] = base
    files = image_files(variant, wheelhouse)
    buildargs["INPUTS"] = inputs_digest(files, buildargs)
    same = client.images.list(filters={"label": f"{INPUTS_LABEL}={buildargs['INPUTS']}"})
    if same:
        print(f"reusing {same[0].id}: built from exactly these inputs", file=sys.stderr)
        same[0].tag(variant.tag)
        return same[0].id
    print(f"building {variant.tag} from {wheelhouse / variant.name} (offline)", file=sys.stderr)
    try:
        return engine.build(client, files, variant.tag, buildargs)
    except engine.EngineError as error:
        if base:
            raise
        raise engine.EngineError(
            f"{error}\nIf the pinned base could not be pulled: `docker load` it from an archive, or build on "
            "the local Debian 12 stand-in with BASE=local (make) or --base local (reproduce.py), or on another "
            "image with BASE=<image>."
        ) from error


def mounts_for(out_dir: Path, imdb_file: Path | None) -> list[Mount]:
    """The output folder read-write; the one dataset file, if any, read-only. Nothing else."""
    mounts = [Mount(INNER_OUT, str(out_dir.resolve()), type="bind")]
    if imdb_file:
        mounts.append(Mount(INNER_IMDB, str(imdb_file.resolve()), type="bind", read_only=True))
    return mounts


def container_user(out_dir: Path) -> str:
    """The host user's ids, so the results are theirs; never root inside: a root host user
    gets the image's own user, and the output folder is handed to it."""
    if os.getuid() != 0:
        return f"{os.getuid()}:{os.getgid()}"
    os.chown(out_dir, IMAGE_UID, IMAGE_UID)
    return f"{IMAGE_UID}:{IMAGE_UID}"


def run_in_container(
    run_args: list[str],
    out_dir: Path,
    variant_name: str,
    wheelhouse: Path,
    data_mode: str,
    archive: Path | None = None,
    base: str | None = None,
    imdb_path: str | None = None,
) -> None:
    # The host finds (or downloads) the dataset first: the container has no network and
    # writes nowhere but its output folder. A bad dataset stops here, before any build.
    npz = find_imdb(data_mode, imdb_path)
    imdb_file = npz.path if npz else None
    client = engine.connect()
    variant = choose_variant(variant_name)
    if variant.name == "gpu":
        engine.gpu_preflight_early(client)
    image = engine.load_archive(client, archive) if archive else build_image(client, variant, wheelhouse, base)
    if variant.name == "gpu":
        engine.gpu_preflight(client, image)
    info = engine.describe(client, image)
    built_on, pinned = info["labels"].get(BASE_LABEL) or "unknown", pinned_base()
    is_pinned = None if pinned is None else built_on == pinned  # None: no Dockerfile here to compare with
    print(
        f"image {info['id']} ({info['labels'].get('io.cudnn-repro.variant')}), built on {built_on}"
        + (": a stand-in for the pinned base" if is_pinned is False else ""),
        file=sys.stderr,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    commit, dirty = image_revision(info["labels"])
    environment = {
        "HOME": "/tmp",
        IMAGE_ID_ENV: info["id"],
        IMAGE_DIGEST_ENV: info["digest"] or "",
        IMAGE_BASE_ENV: built_on,
        IMAGE_BASE_PINNED_ENV: {True: "1", False: "0", None: ""}[is_pinned],
        GIT_DIRTY_ENV: "1" if dirty else "0",
        HOST_COMMAND_ENV: shlex.join(sys.argv),
    } | ({GIT_COMMIT_ENV: commit} if commit else {})
    environment |= {k: os.environ[k] for k in (*LAUNCHER_VARIABLES, CALLER_ENV) if k in os.environ}
    command = ["run", *run_args, "--out", INNER_OUT]
    if imdb_file:
        command += ["--imdb-path", INNER_IMDB]
    else:
        environment[OFFLINE_ENV] = "1"
    mounts, user = mounts_for(out_dir, imdb_file), container_user(out_dir)
    engine.run(client, image, command, mounts, environment, user, variant.name == "gpu", out_dir)
