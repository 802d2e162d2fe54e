"""The workload: data, the four models, timing and provenance, saved after every run.

Runs are interleaved (LSTM GRU CuDNNLSTM CuDNNGRU, then again) so drift in the
machine's speed hits every model alike. It runs where the GPU is; it writes the
results file and nothing else decides a verdict here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .. import folders, results, resume
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
    resume.check_resumable(existing, run_settings, environment, data_info, path)
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
        record = timed_fit(model, stacks.feed(settings, data), data, settings, timer)
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


class Rule(Protocol):
    """A stopping rule (judge/stopping.py's): the repeats it looks after, and its look (more?)."""

    @property
    def points(self) -> tuple[int, ...]: ...

    def look(self, results: results.ResultsFile, repeats: int) -> bool: ...


def run(settings: Settings, out_dir: Path, data: Dataset, force: bool = False, rule: Rule | None = None) -> dict:
    """Every planned fit, saved after each; one run per output folder at a time. Under a stopping rule the
    fits go up to each of its points in turn while its look there asks for more, in the same run: one
    environment record, one self-test, one invocation."""
    with framework.selected(settings.stack) as chosen, folders.exclusive(out_dir), interrupt.deferred():
        return run_plan(settings, chosen, out_dir, data, force, rule)


def run_plan(
    settings: Settings, chosen: framework.Framework, out_dir: Path, data: Dataset, force: bool, rule: Rule | None
) -> dict:
    path = out_dir / results.RESULTS_NAME
    chosen.set_tf32(settings.tf32)
    run_settings = settings.to_dict() | {"backend": chosen.NAME, "jit_compile": chosen.JIT_COMPILE}
    run_settings |= stacks.load(settings.stack).recorded_settings()
    environment = collect_environment()
    existing = resumable(path, run_settings, environment, data.info, force)
    cuda_ok, cuda_reason = chosen.cuda_status()
    not_run = not_runnable(settings, cuda_ok, cuda_reason)
    plan = planned(settings, existing, settings.repeats)
    log(plan_text(settings, [name for _, name in plan], not_run))
    # Before the results file is touched: a broken GPU stack stops here, within a minute.
    cuda = (cuda_ok, cuda_reason)
    environment["gpu_self_test"], probes = self_test.self_test(settings, data, environment, cuda, set(not_run))
    runnable = [name for _, name in plan if name not in not_run]
    extra = rule.points[-1] - settings.repeats if rule else 0  # the most the rule may add
    probed = eta(settings, runnable, data, probes, extra) if runnable and is_long(settings) else {}
    state = open_results(path, existing, run_settings, environment, data.info)
    fitting = Fitting(settings, state, path, data, not_run, probed)
    for point, repeats in enumerate(rule.points if rule else (settings.repeats,)):
        if point:  # the rule asked for more
            plan = planned(settings, state, repeats)
            log(plan_text(settings, [name for _, name in plan], not_run, repeats))
        fitting.fit(plan, repeats)
        if rule is None:
            break
        asks_more = rule.look(state, repeats)
        results.save(state, path)
        if not asks_more:
            break
    return state


def planned(settings: Settings, state: results.ResultsFile | None, repeats: int) -> list[tuple[int, str]]:
    """(repeat, model) of every fit up to `repeats` that the file does not hold yet, interleaved."""
    done = resume.finished(state) if state else set()
    return [(r, name) for r in range(repeats) for name in settings.models if (name, r) not in done]


class Fitting:
    """The fits of one run into one results file, each saved as it ends; a model that cannot run here
    is recorded "not run" with its reason, never timed."""

    def __init__(
        self,
        settings: Settings,
        state: results.ResultsFile,
        path: Path,
        data: Dataset,
        not_run: dict[str, str],
        probed: dict[str, float],
    ):
        self.settings, self.state, self.path, self.data = settings, state, path, data
        self.not_run, self.probed = not_run, probed
        self.sampler = GpuSampler()
        self.fits: dict[str, list[float]] = {}
        for r in state["runs"]:
            if r["status"] == "ok":
                self.fits.setdefault(r["model"], []).append(r["fit_seconds"])

    def fit(self, plan: list[tuple[int, str]], repeats: int) -> None:
        runnable = [name for _, name in plan if name not in self.not_run]
        cudnn = {name: spec.cudnn for name, spec in SPECS.items()}
        done = 0
        for repeat, name in plan:
            interrupt.checkpoint()
            spec = SPECS[name]
            record = {
                "model": name,
                "repeat": repeat,
                "layer": stacks.layer_record(spec, self.settings),
                "started": results.now(),
            }
            if name in self.not_run:  # named in the plan line, recorded without a fit
                self.save(record | {"status": "not_run", "reason": self.not_run[name]})
                continue
            done += 1
            label = f"[{done}/{len(runnable)}] {name} run {repeat + 1}/{repeats}"
            after = plan_left(runnable[done:], self.fits, cudnn, self.probed)
            self.fit_one(spec, label, after, record)

    def fit_one(self, spec, label: str, after: float | None, record: dict) -> None:
        settings = self.settings
        steps = f", {settings.steps_per_epoch} steps each" if settings.steps_per_epoch else ""
        left = f"; the rest of the plan: about {clock(after)}" if after is not None else ""
        log(f"{label}: fitting {settings.train_samples} reviews x {settings.epochs} epochs{steps}{left}")
        record |= measure(spec, settings, self.data, self.sampler, label, after)
        if record["status"] == "ok":
            try:
                provenance.check(spec.name, spec.cudnn, record["provenance"])
            except provenance.ProvenanceError as error:
                self.save(record | {"status": "invalid", "reason": str(error)})
                raise
        self.save(record)
        if record["status"] == "ok":
            self.fits.setdefault(spec.name, []).append(record["fit_seconds"])
            accuracy = 100 * record["test_accuracy"]
            log(f"{label}: fit {clock(record['fit_seconds'])}, test accuracy {accuracy:.2f} % (saved)")
        else:
            log(f"{label}: not run: {record['reason']}")

    def save(self, record: dict) -> None:
        self.state["runs"].append(record)
        results.save(self.state, self.path)
