"""The workload: data, the four models, timing and provenance, saved after every run.

Runs are interleaved (LSTM GRU CuDNNLSTM CuDNNGRU, then again) so drift in the
machine's speed hits every model alike. It runs where the GPU is; it writes the
results file and nothing else decides a verdict here.
"""

from __future__ import annotations

from pathlib import Path

from .. import results
from ..settings import SPECS, Settings
from . import framework, interrupt, provenance, self_test, stacks
from .data import Dataset
from .environment import collect_environment
from .plan import eta, is_long, plan_text
from .progress import clock, log, plan_left
from .telemetry import GpuSampler
from .timing import timed_fit


def resumable(
    path: Path, run_settings: dict, environment: results.Environment, data_info: dict, force: bool
) -> results.ResultsFile | None:
    """The results already in `path` that this run continues, or None to start afresh."""
    if not path.exists() or force:
        return None
    existing = results.load(path)
    results.check_resumable(existing, run_settings, environment, data_info, path)
    log(f"resuming {path}: {len(existing['runs'])} run(s) already done")
    return existing


def open_results(
    path: Path,
    existing: results.ResultsFile | None,
    run_settings: dict,
    environment: results.Environment,
    data_info: dict,
) -> results.ResultsFile:
    state = existing or results.new_results(run_settings, environment, data_info)
    results.start_invocation(state, environment)
    results.save(state, path)
    return state


def measure(spec, settings: Settings, data, sampler: GpuSampler, label: str, after: float | None = None) -> dict:
    """One timed fit; `after` is what the rest of the plan should take, for the progress lines."""
    model = stacks.fresh_model(spec, settings)
    timer = stacks.timer(settings, label, settings.epochs, after)
    sampler.start()
    try:
        record = timed_fit(model, data, settings, timer)
    except Exception as error:
        reason = stacks.no_cudnn(settings, error, framework.current().NAME)
        if reason is None:
            raise
        return {"status": "not_run", "reason": reason}
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


def not_runnable(settings: Settings, cuda_ok: bool, cuda_reason: str) -> dict[str, str]:
    """The cuDNN models of the plan that cannot run here, and why: no usable GPU, or no cuDNN kernel."""
    reasons = {}
    for name in settings.models:
        spec = SPECS[name]
        reason = (
            (cuda_reason if not cuda_ok else framework.current().no_cudnn_kernel(spec.cell)) if spec.cudnn else None
        )
        if reason:
            reasons[name] = reason
    return reasons


def run(settings: Settings, out_dir: Path, data: Dataset, force: bool = False, repeats: int | None = None) -> dict:
    """Every planned fit up to `repeats` (default: the settings'), saved after each; one run per output
    folder at a time. The stopping rule (commands/run.py) calls it again for more repeats."""
    with framework.selected(settings.stack) as chosen, results.exclusive(out_dir), interrupt.deferred():
        return run_plan(settings, chosen, out_dir, data, force, repeats or settings.repeats)


def run_plan(
    settings: Settings, chosen: framework.Framework, out_dir: Path, data: Dataset, force: bool, repeats: int
) -> dict:
    path = out_dir / results.RESULTS_NAME
    chosen.set_tf32(settings.tf32)
    run_settings = settings.to_dict() | {"backend": chosen.NAME, "jit_compile": chosen.JIT_COMPILE}
    run_settings |= stacks.load(settings.stack).recorded_settings()
    environment = collect_environment()
    existing = resumable(path, run_settings, environment, data.info, force)
    cuda_ok, cuda_reason = chosen.cuda_status()
    done = results.finished(existing) if existing else set()
    plan = [(r, name) for r in range(repeats) for name in settings.models if (name, r) not in done]
    not_run = not_runnable(settings, cuda_ok, cuda_reason)
    runnable = [name for _, name in plan if name not in not_run]
    log(plan_text(settings, [name for _, name in plan], not_run, repeats))
    # Before the results file is touched: a broken GPU stack stops here, within a minute.
    cuda = (cuda_ok, cuda_reason)
    environment["gpu_self_test"], probes = self_test.self_test(settings, data, environment, cuda, set(not_run))
    more = max((settings.max_repeats or repeats) - repeats, 0)
    probed = eta(settings, runnable, data, probes, more) if runnable and is_long(settings) else {}
    state = open_results(path, existing, run_settings, environment, data.info)
    sampler = GpuSampler()
    cudnn = {name: spec.cudnn for name, spec in SPECS.items()}
    fits: dict[str, list[float]] = {}
    for r in state["runs"]:
        if r["status"] == "ok":
            fits.setdefault(r["model"], []).append(r["fit_seconds"])
    for i, (repeat, name) in enumerate(plan, 1):
        interrupt.checkpoint()
        runnable = [n for _, n in plan[i:] if n not in not_run]
        after = plan_left(runnable, fits, cudnn, probed)
        spec = SPECS[name]
        label = f"[{i}/{len(plan)}] {name} run {repeat + 1}/{repeats}"
        record = {
            "model": name,
            "repeat": repeat,
            "layer": stacks.layer_record(spec, settings),
            "started": results.now(),
        }
        if name in not_run:
            record |= {"status": "not_run", "reason": not_run[name]}
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
