"""What a run does before its first long fit: the GPU self-test and the plan's ETA.

Both fit a few batches of a model (a probe). The self-test probes each cuDNN model on the GPU
with its kernel checked, so a broken GPU stack stops a run within a minute, with its cause,
instead of after the plain models' hours. A long plan also probes every model, to say up front
what the whole run will take.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..scaling import scaled_fit_seconds
from ..settings import SPECS, Settings, batches_per_epoch
from . import backend, gpu_stack, provenance, stacks
from .gpu_stack import GpuStackError
from .progress import clock, log
from .stacks import fresh_model

# A probe: two epochs (the first warms up) of a few batches, and a short evaluation.
PROBE_BATCHES, PROBE_EPOCHS, PROBE_TEST_BATCHES = 3, 2, 2
# Plans whose fits are this many times a probe's steps are probed for an ETA.
LONG_FIT = 10
GPU_FIX = {
    "tensorflow": "run in the GPU image (`make reproduce VARIANT=gpu`; `make check-gpu-image` checks its libraries), "
    "or install requirements/gpu.lock; TF_CPP_MAX_VLOG_LEVEL=3 shows every library TensorFlow tries to load",
    "torch": "install a CUDA build of PyTorch that matches the driver (`nvidia-smi` shows its CUDA version)",
    "jax": "install jax[cuda12] for this driver (`nvidia-smi` shows its CUDA version)",
}
CUDNN_FIX = {
    "tensorflow": "check the driver (>= 555.42 for the GPU image's CUDA 12.5) and run in the pinned GPU image; "
    "tf_keras's CuDNN classes have open reports on recent stacks (tensorflow/tensorflow#105092, #99870)",
    "torch": "check that PyTorch's CUDA and cuDNN (torch.version.cuda, torch.backends.cudnn.version()) suit the "
    "driver that `nvidia-smi` shows",
    "jax": "check that jax[cuda12]'s CUDA and cuDNN suit the driver that `nvidia-smi` shows",
}


@dataclass
class Probe:
    model: str
    seconds: float  # the whole probe: build, fit, evaluation, kernel evidence
    fit: dict  # fit_seconds, epoch_seconds, step_seconds as a timed fit records them
    evaluate_batch_seconds: float
    provenance: dict

    def predicted_seconds(self, settings: Settings) -> float:
        """This model's fit and evaluation at the plan's size, scaled from the probe."""
        batches = settings.steps_per_epoch or settings.batches
        fit = scaled_fit_seconds(self.fit, PROBE_BATCHES, batches, settings.epochs)
        return fit + self.evaluate_batch_seconds * batches_per_epoch(settings.test_samples, settings.batch_size)


def fit_probe(name: str, settings: Settings, data) -> Probe:
    """A few timed batches of one model and the kernel that ran them."""
    start = time.perf_counter()
    spec, n = SPECS[name], PROBE_BATCHES * settings.batch_size
    model = fresh_model(spec, settings)
    timer = stacks.timer(settings, f"probe {name}", PROBE_EPOCHS)
    timer.quiet = True
    fit_start = time.perf_counter()
    model.fit(data.x_train[:n], data.y_train[:n], batch_size=settings.batch_size, epochs=PROBE_EPOCHS,
              callbacks=[timer], verbose=0)  # fmt: skip
    backend.synchronize()
    end = time.perf_counter()
    teardown = end - timer.train_end if timer.train_end is not None else 0.0  # as timing.timed_fit keeps it
    fit = {"fit_seconds": end - fit_start, "teardown_seconds": teardown, "epoch_seconds": timer.seconds}
    fit["step_seconds"] = timer.step_seconds
    m = PROBE_TEST_BATCHES * settings.batch_size
    eval_start = time.perf_counter()
    model.evaluate(data.x_test[:m], data.y_test[:m], batch_size=settings.batch_size, verbose=0)
    evaluate = (time.perf_counter() - eval_start) / PROBE_TEST_BATCHES
    batch = slice(0, settings.batch_size)
    evidence = provenance.kernel_evidence(model, data.x_train[batch], data.y_train[batch])
    return Probe(name, time.perf_counter() - start, fit, evaluate, evidence)


def cause(error: Exception) -> str:
    """The framework's own words for what failed, on one line: for TensorFlow's graph errors the
    paragraph after the traceback of the node that failed."""
    text = str(error)
    if "Detected at node" in text:
        text = text.strip().split("\n\n")[-1]
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("[[")]
    return " ".join((lines[0] if lines else type(error).__name__).split())[:300]


def unseen_gpu(environment: dict, reason: str) -> GpuStackError:
    """NVML sees a GPU that the framework does not: name why, as closely as it can be found."""
    name = backend.name()
    gpu = environment["gpu"]["name"]
    why = reason
    if name == "tensorflow":
        missing = gpu_stack.first_missing()
        if missing:
            why = f"{reason}: {missing.error}"
    return GpuStackError(f"GPU self-test: NVML sees {gpu}, but {why}. Fix: {GPU_FIX.get(name, '')}")


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
            raise GpuStackError(
                f"GPU self-test: {name}'s cuDNN op failed on {gpu}: {cause(error)}. Fix: {CUDNN_FIX[backend.name()]}"
            ) from None
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


def plan_text(settings: Settings, fits: list[str], not_run: dict[str, str], repeats: int | None = None) -> str:
    """The plan of this call (up to `repeats`), and the stopping rule's most, if it has one."""
    batches = settings.steps_per_epoch or settings.batches
    repeats = repeats or settings.repeats
    rule = (
        f"; then up to {settings.max_repeats} repeats while a claim this host can judge is undecided"
        if settings.max_repeats and repeats < settings.max_repeats
        else ""
    )
    skipped = {name: not_run[name] for name in dict.fromkeys(fits) if name in not_run}
    why = "; ".join(
        f"{', '.join(n for n in skipped if skipped[n] == r)} not run: {r}" for r in dict.fromkeys(skipped.values())
    )
    return (
        f"plan: {len(fits)} fit(s), {repeats} interleaved repeat(s) of {', '.join(dict.fromkeys(fits))}, "
        f"each {settings.epochs} epochs x {batches} batches of {settings.batch_size} "
        f"({settings.train_samples:,} training reviews), then {settings.test_samples:,} test reviews"
        + (f"; {why}" if why else "")
        + rule
    )


def is_long(settings: Settings) -> bool:
    return (settings.steps_per_epoch or settings.batches) * settings.epochs >= LONG_FIT * PROBE_BATCHES * PROBE_EPOCHS


def eta(settings: Settings, fits: list[str], data, probes: list[Probe], more: int = 0) -> dict[str, float]:
    """Each planned model's predicted fit and evaluation seconds, from a probe of it; logged as the ETA,
    with the worst case when the stopping rule may add `more` repeats."""
    probed = {p.model: p for p in probes}
    for name in dict.fromkeys(fits):
        if name not in probed:
            probed[name] = fit_probe(name, settings, data)
    each = {name: probed[name].predicted_seconds(settings) for name in dict.fromkeys(fits)}
    total = sum(each[name] for name in fits)
    parts = ", ".join(f"{name} {clock(s)}" for name, s in each.items())
    worst = total + more * sum(each.values())
    rule = f"; at most {clock(worst)} if the stopping rule makes {more} more repeat(s)" if more else ""
    log(
        f"ETA: {clock(total)} for the {len(fits)} fit(s) ({parts} each){rule}, predicted from a "
        f"{PROBE_BATCHES}-batch probe of each model: a rough guide, not a validated prediction"
    )
    return each
