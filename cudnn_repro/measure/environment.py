"""The machine and software a run measured, one small collector per source.

Each collector tolerates a missing source (no GPU, no git, no NVML) and says so,
rather than failing the run or leaving a silent gap.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from .. import ROOT
from ..registry import PACKAGES
from ..results import Environment
from ..variables import (
    GIT_COMMIT_ENV,
    GIT_DIRTY_ENV,
    HOST_COMMAND_ENV,
    IMAGE_BASE_ENV,
    IMAGE_BASE_PINNED_ENV,
    IMAGE_DIGEST_ENV,
    IMAGE_ID_ENV,
    RUNTIME_ENV,
)
from .telemetry import NoVisibleGpu, selected_gpu


def collect_python(d: dict) -> None:
    d["python"] = platform.python_version()
    d["platform"] = platform.platform()


def collect_packages(d: dict) -> None:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    d["packages"] = versions


def lock_pins(folder: Path = ROOT / "requirements") -> tuple[list[str], dict[str, set[str]]]:
    """The lock files present and every version they pin, by normalised package name."""
    files, pins = sorted(folder.glob("*.lock")), {}
    for path in files:
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", path.read_text(), re.M):
            pins.setdefault(name.lower().replace("_", "-"), set()).add(version)
    return [p.name for p in files], pins


def collect_lock(d: dict) -> None:
    """Whether the recorded packages are the versions the lock files pin: a run in any
    other environment is flagged "ad hoc" in its report."""
    files, pins = lock_pins()
    differs = {
        name: f"{version} (locked: {', '.join(sorted(pins[name])) if name in pins else 'not in any lock'})"
        for name, version in d["packages"].items()
        if version not in pins.get(name, ())
    }
    d["lock"] = {"file": ", ".join(files) or "no lock file", "differs": differs}


def collect_cpu(d: dict) -> None:
    model = platform.processor() or None
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    freq = read_text("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq")
    d["cpu"] = {
        "model": model,
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        # None where the machine exposes no cpufreq (most VMs and containers)
        "governor": read_text("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
        "mhz": int(freq) // 1000 if freq and freq.isdigit() else None,
    }


def read_text(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def collect_load(d: dict) -> None:
    """What else was running: CPU timings on a shared machine swing with it."""
    d["load_average"] = [round(x, 2) for x in os.getloadavg()]


# Named one by one, never by prefix: TF_* also catches Terraform's variables, tokens among them.
VARIABLES = (
    "CUDA_DEVICE_ORDER",
    "CUDA_VISIBLE_DEVICES",
    "CUBLAS_WORKSPACE_CONFIG",
    "KERAS_BACKEND",
    "NVIDIA_TF32_OVERRIDE",
    "OMP_NUM_THREADS",
    "TF_CPP_MIN_LOG_LEVEL",
    "TF_CUDNN_DETERMINISTIC",
    "TF_CUDNN_USE_AUTOTUNE",
    "TF_DETERMINISTIC_OPS",
    "TF_ENABLE_ONEDNN_OPTS",
    "TF_FORCE_GPU_ALLOW_GROWTH",
    "TF_GPU_ALLOCATOR",
    "TF_GPU_THREAD_MODE",
    "TF_NUM_INTEROP_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_USE_LEGACY_KERAS",
    "TF_XLA_FLAGS",
    "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE",
    "XLA_FLAGS",
)


# How the run was launched: by this package's Slurm tasks (the runtime they chose) and Slurm.
LAUNCHER_VARIABLES = (
    RUNTIME_ENV,
    "SLURM_CLUSTER_NAME",
    "SLURM_JOB_ID",
    "SLURM_ARRAY_JOB_ID",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_JOB_PARTITION",
    "SLURMD_NODENAME",
    "SLURM_RESTART_COUNT",
)


def collect_launcher(d: dict) -> None:
    """Which scheduler job and container runtime ran this; empty for a run started by hand."""
    d["launcher"] = {k: os.environ[k] for k in LAUNCHER_VARIABLES if k in os.environ}


def collect_variables(d: dict) -> None:
    """The environment variables that change how the backends compute or which GPU they use."""
    d["variables"] = {k: os.environ[k] for k in VARIABLES if k in os.environ}


def collect_gpu(d: dict) -> None:
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception as error:  # no NVML library or driver means no NVIDIA GPU to describe
        d["gpu"] = {"present": False, "reason": f"NVML unavailable: {error}"}
        return
    try:
        handle, chosen_by = selected_gpu(pynvml)
    except NoVisibleGpu as error:
        d["gpu"] = {"present": False, "reason": str(error), "count": pynvml.nvmlDeviceGetCount()}
        return
    cuda = pynvml.nvmlSystemGetCudaDriverVersion()
    d["gpu"] = {
        "present": True,
        "selected": chosen_by,
        "uuid": pynvml.nvmlDeviceGetUUID(handle),
        "count": pynvml.nvmlDeviceGetCount(),
        "name": pynvml.nvmlDeviceGetName(handle),
        "driver": pynvml.nvmlSystemGetDriverVersion(),
        "driver_cuda": f"{cuda // 1000}.{cuda % 1000 // 10}",
        "memory_gib": round(pynvml.nvmlDeviceGetMemoryInfo(handle).total / 2**30, 1),
    }


def collect_backend(d: dict) -> None:
    """The CUDA and cuDNN that the run's framework itself was built with."""
    from .framework import current

    framework = current()
    d["backend"] = {"name": framework.NAME, "tf32_flags": framework.tf32_flags()} | framework.build_info()


def git_state(root: Path = ROOT) -> tuple[str | None, bool]:
    """(commit, has uncommitted changes) of the checkout, or (None, False) without git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None, False
    return commit.stdout.strip(), bool(status.stdout.strip())


def collect_source(d: dict) -> None:
    """The git commit of this checkout; inside a container the host passes it in."""
    if GIT_COMMIT_ENV in os.environ:
        commit, dirty = os.environ[GIT_COMMIT_ENV], os.environ.get(GIT_DIRTY_ENV) == "1"
    else:
        commit, dirty = git_state()
    d["git"] = {"commit": commit, "dirty": dirty}


def collect_container(d: dict) -> None:
    in_container = Path("/.dockerenv").exists() or IMAGE_ID_ENV in os.environ
    d["container"] = {
        "in_container": in_container,
        "image_id": os.environ.get(IMAGE_ID_ENV),
        "image_digest": os.environ.get(IMAGE_DIGEST_ENV) or None,
        "image_base": os.environ.get(IMAGE_BASE_ENV),
        "image_base_pinned": {"1": True, "0": False}.get(os.environ.get(IMAGE_BASE_PINNED_ENV, "")),
        "host_command": os.environ.get(HOST_COMMAND_ENV),
    }


def collect_environment() -> Environment:
    d: dict = {"argv": [Path(sys.argv[0]).name, *sys.argv[1:]]}
    for collect in (
        collect_python,
        collect_packages,
        collect_lock,
        collect_cpu,
        collect_load,
        collect_variables,
        collect_gpu,
        collect_backend,
        collect_source,
        collect_container,
        collect_launcher,
    ):
        collect(d)
    return d
