"""The workload: data, the four models, timing and provenance, saved after every run.

Runs are interleaved (LSTM GRU CuDNNLSTM CuDNNGRU, then again) so drift in the
machine's speed hits every model alike. It runs where the GPU is; it writes the
results file and nothing else decides a verdict here.
"""

from __future__ import annotations

from pathlib import Path

import keras

from . import backend, interrupt, keras2, provenance, results
from .data import Dataset
from .environment import collect_environment
from .models import SPECS, build_model, layer_config
from .progress import clock, log, plan_left
from .settings import Settings
from .telemetry import GpuSampler
from .timing import EpochTimer, timed_fit


def open_results(path: Path, run_settings: dict, data_info: dict, force: bool) -> dict:
    environment = collect_environment()
    if path.exists() and not force:
        existing = results.load(path)
        results.check_resumable(existing, run_settings, environment, data_info, path)
        log(f"resuming {path}: {len(existing['runs'])} run(s) already done")
        results.start_invocation(existing, environment)
        return existing
    fresh = results.new_results(run_settings, environment, data_info)
    results.start_invocation(fresh, environment)
    results.save(fresh, path)
    return fresh


# The frameworks' words when a layer that demands cuDNN finds no cuDNN kernel: Keras 3's, and
# TensorFlow's for Keras 2's CuDNN classes (their op has GPU kernels only).
NO_CUDNN = {
    "cuDNN is not supported for this layer configuration": "the Keras {backend} backend has no cuDNN kernel for it",
    "No OpKernel was registered to support Op 'CudnnRNN": "TensorFlow has no kernel for its CudnnRNN op here",
}


def fresh_model(spec, settings: Settings):
    """A new, seeded model of the run's stack."""
    if settings.stack == "keras2":
        keras2.reset(settings.seed)
        return keras2.build_model(spec, settings.maxlen)
    keras.backend.clear_session()
    keras.utils.set_random_seed(settings.seed)
    return build_model(spec, settings.maxlen, settings.math, backend.jit_compile())


def layer_record(spec, settings: Settings) -> dict:
    """How the recurrent layers are configured: keras2's read back from a built model."""
    if settings.stack == "keras2":
        return keras2.layer_config(fresh_model(spec, settings))
    return layer_config(spec, settings.math)


def measure(spec, settings: Settings, data, sampler: GpuSampler, label: str, after: float | None = None) -> dict:
    """One timed fit; `after` is what the rest of the plan should take, for the progress lines."""
    model = fresh_model(spec, settings)
    clock_class = keras2.timer if settings.stack == "keras2" else EpochTimer
    timer = clock_class(label, settings.epochs, after)
    sampler.start()
    try:
        record = timed_fit(model, data, settings, timer)
    except Exception as error:
        reason = next((why for words, why in NO_CUDNN.items() if words in str(error)), None)
        if reason is None:
            raise
        return {"status": "not_run", "reason": reason.format(backend=backend.name())}
    finally:
        telemetry = sampler.stop()
    batch = slice(0, settings.batch_size)
    evidence = provenance.kernel_evidence(model, data.x_train[batch], data.y_train[batch])
    return record | {
        "status": "ok",
        "parameters": model.count_params(),
        "telemetry": telemetry,
        "provenance": evidence,
    }


def run(settings: Settings, out_dir: Path, data: Dataset, force: bool = False) -> dict:
    """Every planned fit, saved after each; one run per output folder at a time."""
    with results.exclusive(out_dir), interrupt.deferred():
        return run_plan(settings, out_dir, data, force)


def run_plan(settings: Settings, out_dir: Path, data: Dataset, force: bool) -> dict:
    path = out_dir / results.RESULTS_NAME
    backend.set_tf32(settings.tf32)
    if settings.stack == "keras2" and backend.name() != "tensorflow":
        raise keras2.StackError(
            f"the keras2 stack runs on TensorFlow, not KERAS_BACKEND={backend.name()}: pass --stack keras3"
        )
    run_settings = settings.to_dict() | {"backend": backend.name(), "jit_compile": backend.jit_compile()}
    if settings.stack == "keras2":
        run_settings["tf_keras"] = keras2.version()
    state = open_results(path, run_settings, data.info, force)
    cuda_ok, cuda_reason = backend.cuda_status()
    sampler = GpuSampler()
    done = results.finished(state)
    plan = [(r, name) for r in range(settings.repeats) for name in settings.models if (name, r) not in done]
    cudnn = {name: spec.cudnn for name, spec in SPECS.items()}
    fits: dict[str, list[float]] = {}
    for r in state["runs"]:
        if r["status"] == "ok":
            fits.setdefault(r["model"], []).append(r["fit_seconds"])
    for i, (repeat, name) in enumerate(plan, 1):
        interrupt.checkpoint()
        runnable = [n for _, n in plan[i:] if cuda_ok or not cudnn[n]]
        after = plan_left(runnable, fits, cudnn)
        spec = SPECS[name]
        label = f"[{i}/{len(plan)}] {name} run {repeat + 1}/{settings.repeats}"
        record = {"model": name, "repeat": repeat, "layer": layer_record(spec, settings), "started": results.now()}
        if spec.cudnn and not cuda_ok:
            record |= {"status": "not_run", "reason": cuda_reason}
        else:
            steps = f", {settings.steps_per_epoch} steps each" if settings.steps_per_epoch else ""
            left = f"; the rest of the plan: about {clock(after)}" if after is not None else ""
            log(f"{label}: fitting {settings.train_samples} reviews x {settings.epochs} epochs{steps}{left}")
            record |= measure(spec, settings, data, sampler, label, after)
        state["runs"].append(record)
        try:
            if record["status"] == "ok":
                provenance.check(name, spec.cudnn, record["provenance"])
        except provenance.ProvenanceError as error:
            record |= {"status": "invalid", "reason": str(error)}
            raise
        finally:
            results.save(state, path)
        if record["status"] == "ok":
            fits.setdefault(name, []).append(record["fit_seconds"])
            accuracy = 100 * record["test_accuracy"]
            log(f"{label}: fit {clock(record['fit_seconds'])}, test accuracy {accuracy:.2f} % (saved)")
        else:
            log(f"{label}: not run: {record['reason']}")
    return state
