"""The GPU self-test: each cuDNN model of the plan probed on the GPU with its kernel checked, so a broken
GPU stack stops a run within a minute, with its cause and the fix, instead of after the plain models' hours."""

from __future__ import annotations

import time

from ..registry import FRAMEWORK_FACTS
from ..settings import SPECS, Settings
from . import framework, provenance
from .gpu_stack import GpuStackError
from .probe import PROBE_BATCHES, PROBE_EPOCHS, Probe, fit_probe
from .progress import log


def cause(error: Exception) -> str:
    """The framework's own words for what failed, on one line."""
    text = framework.current().error_text(error)
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("[[")]
    return " ".join((lines[0] if lines else type(error).__name__).split())[:300]


def unseen_gpu(environment: dict, reason: str) -> GpuStackError:
    """NVML sees a GPU that the framework does not: name why, as closely as it can be found."""
    chosen = framework.current()
    missing = chosen.missing_library()
    why = f"{reason}: {missing}" if missing else reason
    fix = FRAMEWORK_FACTS[chosen.NAME].gpu_fix
    return GpuStackError(f"GPU self-test: NVML sees {environment['gpu']['name']}, but {why}. Fix: {fix}")


def self_test(
    settings: Settings, data, environment: dict, cuda: tuple[bool, str], no_kernel: set[str] = frozenset()
) -> tuple[dict, list[Probe]]:
    """Probe every cuDNN model of the plan on the GPU, kernel checked; raise GpuStackError on a failing
    stack, ProvenanceError on another kernel than cuDNN. Models whose backend has no cuDNN kernel at
    all (`no_kernel`, "not run") are left out.
    Returns the record for the results file's environment and the probes."""
    usable, reason = cuda
    cudnn = [name for name in settings.models if SPECS[name].cudnn and not (usable and name in no_kernel)]
    if not cudnn:
        return {"status": "not run", "reason": "no cuDNN model of the plan can run on this backend"}, []
    if not usable:
        if environment["gpu"].get("present"):
            raise unseen_gpu(environment, reason)
        return {"status": "not run", "reason": reason}, []
    log(f"GPU self-test: {PROBE_BATCHES} batches x {PROBE_EPOCHS} epochs of {', '.join(cudnn)} on the GPU")
    start, probes = time.perf_counter(), []
    gpu = environment["gpu"].get("name", "the GPU")
    for name in cudnn:
        try:
            result = fit_probe(name, settings, data)
        except Exception as error:
            fix = FRAMEWORK_FACTS[framework.current().NAME].cudnn_fix
            failed = f"{name}'s cuDNN op failed on {gpu}: {cause(error)}"
            raise GpuStackError(f"GPU self-test: {failed}. Fix: {fix}") from None
        try:  # a silent fall-back from the cuDNN path: exit 3, as in a fit (a framework's CI gates on it)
            provenance.check(name, True, result.provenance)
        except provenance.ProvenanceError as error:
            raise provenance.ProvenanceError(f"GPU self-test: {error}") from None
        probes.append(result)
    seconds = time.perf_counter() - start
    record = {
        "status": "passed",
        "seconds": seconds,
        "models": {p.model: {"seconds": p.seconds, "kernel": sorted(p.provenance["cudnn_ops"])} for p in probes},
    }
    kernels = "; ".join(f"{p.model}: {', '.join(sorted(p.provenance['cudnn_ops']))}" for p in probes)
    log(f"GPU self-test passed in {seconds:.1f} s ({kernels})")
    return record, probes
