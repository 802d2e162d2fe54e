"""The timing loop: the article's metric (wall time of the whole fit) plus every epoch.

Each clock read comes after the device has finished the work it covers: the epoch's
last loss is read back to the host, and torch's CUDA queue is synchronised.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import time

from . import framework
from .interrupt import checkpoint
from .progress import clock, log


class EpochClock:
    """Per-epoch wall times and steady per-step times, with progress and time left; mixed
    into each stack's Callback class (stacks/keras3.py, stacks/keras2.py; stacks/torch.py calls it as it is).

    A step's time is read between the starts of consecutive batches, so no hook runs
    at a batch's end (Keras then keeps dispatching those asynchronously).
    """

    HEARTBEAT = 60.0  # seconds between "still in this epoch" lines
    quiet = False  # a probe's few batches need no progress lines

    def __init__(self, label: str, epochs: int, after: float | None = None):
        super().__init__()
        self.label = label
        self.epochs = epochs
        self.after = after  # seconds the rest of the plan should take after this fit, if known
        self.seconds: list[float] = []
        self.step_seconds: list[float | None] = []
        # To each epoch's first batch from the previous epoch's end (the first: from its own
        # start): Keras 3 sets up its data iterator after on_epoch_begin, tf_keras before it.
        self.setup_seconds: list[float] = []
        self._ready: float | None = None
        self.train_end: float | None = None  # when the last epoch's work was done (on_train_end)

    def on_epoch_begin(self, epoch, logs=None):
        self._batch_starts = []
        self._start = self._beat = time.perf_counter()
        self._ready = self._ready or self._start

    def on_train_batch_begin(self, batch, logs=None):
        checkpoint()
        now = time.perf_counter()
        self._batch_starts.append(now)
        if now - self._beat > self.HEARTBEAT and not self.quiet:
            self._beat = now
            log(f"  {self.label} epoch {len(self.seconds) + 1}: batch {batch + 1}, {clock(now - self._start)} in")

    def on_test_batch_begin(self, batch, logs=None):
        checkpoint()

    def on_train_end(self, logs=None):
        self.train_end = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        checkpoint()
        float((logs or {}).get("loss", 0.0))
        framework.current().synchronize()
        end = time.perf_counter()
        self.seconds.append(end - self._start)
        starts = self._batch_starts
        self.setup_seconds.append(starts[0] - self._ready)
        self._ready = end
        self.step_seconds.append((starts[-1] - starts[0]) / (len(starts) - 1) if len(starts) > 1 else None)
        left = (self.epochs - epoch - 1) * statistics.median(self.seconds[1:] or self.seconds)
        plan = f", {clock(left + self.after)} for the whole plan" if self.after is not None else ""
        if not self.quiet:
            log(f"  {self.label} epoch {epoch + 1}/{self.epochs}: {clock(self.seconds[-1])}, {clock(left)} left{plan}")


def fit_options(settings) -> dict:
    """The notebook's fit call: no validation, no progress bar."""
    return {
        "batch_size": settings.batch_size,
        "epochs": settings.epochs,
        "steps_per_epoch": settings.steps_per_epoch,
        "verbose": 0,
    }


def collect_garbage() -> float:
    """Collect what earlier fits left (their models, data iterators) before the clock starts, and return
    how long that took: destroying a tf.data iterator waits for its autotune thread's next wake-up (its
    sleep doubles from 10 ms to 60 s), which the garbage collector would otherwise do inside a later
    model's fit, charging it for another's leftovers."""
    start = time.perf_counter()
    gc.collect()
    return time.perf_counter() - start


def peak_rss_bytes() -> int:
    """The run's process at its largest so far (Linux counts ru_maxrss in KiB): the host memory a
    run needs, which the report states."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class ArrayFeed:
    """fit()'s input as the notebook gave it: the arrays and the batch size; nothing to release."""

    def __init__(self, x, y, settings):
        self.x, self.y, self.settings = x, y, settings

    def fit_arguments(self) -> dict:
        return {"x": self.x, "y": self.y, **fit_options(self.settings)}

    def release(self) -> float:
        return 0.0


def timed_fit(model, feed: ArrayFeed, data, settings, timer: EpochClock) -> dict:
    """Fit as the notebook did (verbose=0, no validation), then evaluate on the test set.

    The clock covers the whole fit() call, the article's metric. What the feed holds past it (the keras2
    stack's tf.data iterator, whose destruction waits for tf.data's autotune thread) is released after the
    clock stops and recorded apart (`released_seconds`); the time from the end of training (on_train_end)
    to fit() returning is recorded too (`teardown_seconds`), inside the fit."""
    collected = collect_garbage()
    start = time.perf_counter()
    model.fit(callbacks=[timer], **feed.fit_arguments())
    framework.current().synchronize()
    end = time.perf_counter()
    released = feed.release()
    fit_seconds = end - start
    log(f"  {timer.label}: fit {clock(fit_seconds)}; evaluating on {len(data.x_test):,} test reviews")
    loss, accuracy = model.evaluate(data.x_test, data.y_test, batch_size=settings.batch_size, verbose=0)
    return {
        "fit_seconds": fit_seconds,
        "teardown_seconds": end - timer.train_end if timer.train_end is not None else 0.0,
        "released_seconds": released,
        "collected_seconds": collected,
        "load_average": [round(x, 2) for x in os.getloadavg()],  # at the fit's end: a cause of its spread
        "peak_rss_bytes": peak_rss_bytes(),
        "epoch_seconds": timer.seconds,
        "step_seconds": timer.step_seconds,
        "epoch_setup_seconds": timer.setup_seconds,
        "test_loss": float(loss),
        "test_accuracy": float(accuracy),
    }
