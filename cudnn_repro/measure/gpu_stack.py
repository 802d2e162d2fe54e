"""Whether TensorFlow's GPU stack is whole: its CUDA libraries found by soname, their versions
those of the lock, TensorFlow built for them. Needs no GPU, so a machine without one checks it.

pip's `tensorflow[and-cuda]` finds the NVIDIA wheels' libraries through a RUNPATH; in containers
that is a known way to lose the GPU silently (tensorflow/tensorflow#63362, #65842, #85311). The GPU
image lists the wheels' folders in ld.so's cache, so any process finds them by soname, as here.
"""

from __future__ import annotations

import ctypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SELF_TEST, Failure

# Every library TensorFlow 2.21 opens by soname on a GPU (its dso_loader, cuDNN's own sub-libraries,
# and what they need in turn): which wheel of the lock ships it.
SONAMES = {
    "libcudart.so.12": "nvidia-cuda-runtime-cu12",
    "libcublas.so.12": "nvidia-cublas-cu12",
    "libcublasLt.so.12": "nvidia-cublas-cu12",
    "libcufft.so.11": "nvidia-cufft-cu12",
    "libcurand.so.10": "nvidia-curand-cu12",
    "libcusolver.so.11": "nvidia-cusolver-cu12",
    "libcusparse.so.12": "nvidia-cusparse-cu12",
    "libnvJitLink.so.12": "nvidia-nvjitlink-cu12",
    "libnvrtc.so.12": "nvidia-cuda-nvrtc-cu12",
    "libcupti.so.12": "nvidia-cuda-cupti-cu12",
    "libnccl.so.2": "nvidia-nccl-cu12",
    "libcudnn.so.9": "nvidia-cudnn-cu12",
    "libcudnn_graph.so.9": "nvidia-cudnn-cu12",
    "libcudnn_ops.so.9": "nvidia-cudnn-cu12",
    "libcudnn_cnn.so.9": "nvidia-cudnn-cu12",
    "libcudnn_adv.so.9": "nvidia-cudnn-cu12",
    "libcudnn_heuristic.so.9": "nvidia-cudnn-cu12",
    "libcudnn_engines_precompiled.so.9": "nvidia-cudnn-cu12",
    "libcudnn_engines_runtime_compiled.so.9": "nvidia-cudnn-cu12",
}
RTLD_DI_LINKMAP = 2


class GpuStackError(Failure):
    """The GPU stack cannot run the cuDNN models: a library, a version or the GPU itself."""

    status = SELF_TEST


@dataclass(frozen=True)
class Library:
    soname: str
    path: str | None  # the file ld.so chose (or had loaded already, for another library), or None
    error: str | None = None


class _LinkMap(ctypes.Structure):
    _fields_ = [("l_addr", ctypes.c_void_p), ("l_name", ctypes.c_char_p)]


def resolve(soname: str) -> Library:
    """Load a library by soname as TensorFlow does (dlopen), and name the file it came from."""
    try:
        handle = ctypes.CDLL(soname)
    except OSError as error:
        return Library(soname, None, str(error))
    link = ctypes.POINTER(_LinkMap)()
    ctypes.CDLL(None).dlinfo(ctypes.c_void_p(handle._handle), RTLD_DI_LINKMAP, ctypes.byref(link))
    return Library(soname, os.path.realpath(link.contents.l_name.decode()))


def libraries() -> list[Library]:
    return [resolve(name) for name in SONAMES]


def first_missing() -> Library | None:
    """The first library TensorFlow needs that cannot be loaded: why a GPU goes unseen."""
    return next((lib for lib in libraries() if lib.path is None), None)


def locked_versions(lock: Path) -> dict[str, str]:
    """The pinned versions of the NVIDIA wheels, from a pip-compile lock file."""
    return dict(re.findall(r"^(nvidia-[\w-]+)==([\w.]+)", lock.read_text(), re.M))


def runtime_versions() -> dict[str, str]:
    """The versions the loaded cudart and cuDNN report themselves (no GPU needed)."""
    version = ctypes.c_int()
    ctypes.CDLL("libcudart.so.12").cudaRuntimeGetVersion(ctypes.byref(version))
    cudnn = ctypes.CDLL("libcudnn.so.9").cudnnGetVersion
    cudnn.restype = ctypes.c_size_t
    v = cudnn()
    return {
        "cudart": f"{version.value // 1000}.{version.value % 1000 // 10}",
        "cudnn": f"{v // 10000}.{v % 10000 // 100}.{v % 100}",
    }


@dataclass(frozen=True)
class StackCheck:
    tensorflow: str
    build: dict  # TensorFlow's build info: the CUDA and cuDNN it was built for
    pins: dict[str, str]
    libraries: list[Library]
    loaded: dict[str, str] | None  # what cudart and cuDNN report, once both load
    problems: list[str]


def examine(lock: Path) -> StackCheck:
    """Every problem with this environment's GPU stack against the lock; none when it is whole."""
    import tensorflow as tf

    pins, build, libs = locked_versions(lock), dict(tf.sysconfig.get_build_info()), libraries()
    problems = [] if tf.test.is_built_with_cuda() else ["this TensorFlow build has no CUDA support"]
    cuda_pin, cudnn_pin = pins.get("nvidia-cuda-runtime-cu12", "?"), pins.get("nvidia-cudnn-cu12", "?")
    if str(build.get("cuda_version")).split(".")[:2] != cuda_pin.split(".")[:2]:
        problems.append(f"TensorFlow was built for CUDA {build.get('cuda_version')}, the lock pins {cuda_pin}")
    if str(build.get("cudnn_version")).split(".")[0] != cudnn_pin.split(".")[0]:
        problems.append(f"TensorFlow was built for cuDNN {build.get('cudnn_version')}, the lock pins {cudnn_pin}")
    for lib in libs:
        if lib.path is None:
            problems.append(f"{lib.soname} does not load: {lib.error}")
        elif f"/nvidia/{wheel_folder(SONAMES[lib.soname])}/lib/" not in lib.path:
            problems.append(f"{lib.soname} resolves to {lib.path}, not to the {SONAMES[lib.soname]} wheel's")
    loaded = None
    if all(lib.path for lib in libs):
        loaded = runtime_versions()
        if not cuda_pin.startswith(loaded["cudart"] + "."):
            problems.append(f"the loaded cudart is {loaded['cudart']}, the lock pins {cuda_pin}")
        if not cudnn_pin.startswith(loaded["cudnn"] + "."):
            problems.append(f"the loaded cuDNN is {loaded['cudnn']}, the lock pins {cudnn_pin}")
    return StackCheck(tf.__version__, build, pins, libs, loaded, problems)


def wheel_folder(wheel: str) -> str:
    """Where a wheel puts its libraries: nvidia-cuda-runtime-cu12 -> nvidia/cuda_runtime/lib."""
    return wheel.removesuffix("-cu12").removeprefix("nvidia-").replace("-", "_")


def report(check: StackCheck, lock: Path) -> str:
    """What `reproduce.py check-gpu-stack` prints: the build, the pins, each library's file, the verdict."""
    lines = [
        f"TensorFlow {check.tensorflow}: built with CUDA {check.build.get('cuda_version')}, "
        f"cuDNN {check.build.get('cudnn_version')}",
        f"{lock.name} pins: " + ", ".join(f"{k} {v}" for k, v in sorted(check.pins.items())),
        *[f"  {lib.soname:40} {lib.path or 'NOT LOADED'}" for lib in check.libraries],
    ]
    if check.loaded:
        lines.append(f"loaded: cudart {check.loaded['cudart']}, cuDNN {check.loaded['cudnn']}")
    if check.problems:
        return "\n".join(lines + [f"problem: {p}" for p in check.problems])
    return "\n".join(
        [*lines, f"GPU stack whole: TensorFlow's {len(SONAMES)} CUDA libraries load as {lock.name} pins them"]
    )
