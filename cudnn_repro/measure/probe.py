"""A probe: a few timed batches of one model and the kernel that ran them, what a run does before its
first long fit (the GPU self-test, self_test.py; the plan's ETA, plan.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..scaling import scaled_fit_seconds
from ..settings import SPECS, Settings, batches_per_epoch
from . import framework, provenance, stacks
from .stacks import fresh_model

# A probe: two epochs (the first warms up) of a few batches, and a short evaluation.
PROBE_BATCHES, PROBE_EPOCHS, PROBE_TEST_BATCHES = 3, 2, 2
# Plans whose fits are this many times a probe's steps are probed for an ETA.
LONG_FIT = 10


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
    framework.current().synchronize()
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
