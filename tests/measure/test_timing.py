"""The timing loop times the whole fit() call, the article's metric, and keeps what is not a fit's own off
its clock: what the feed holds past the call (the keras2 stack's tf.data iterator, whose destruction waits
for its autotune thread) is released after the clock stops, the garbage earlier fits left is collected
before it starts; a wait after training inside the call is recorded."""

import gc
import time
from types import SimpleNamespace

import numpy as np
import pytest

from cudnn_repro.measure import framework, timing
from cudnn_repro.results import compared_fit_seconds

SETTINGS = SimpleNamespace(batch_size=2, epochs=1, steps_per_epoch=None)
DATA = SimpleNamespace(x_train=np.zeros((4, 3)), y_train=np.zeros(4), x_test=np.zeros((2, 3)), y_test=np.zeros(2))
PAUSE = 0.3


class Model:
    """A fit of one epoch of two batches, then `pause` seconds after training ended (today's Keras waits
    there for tf.data's autotune thread when it destroys its own iterator)."""

    def __init__(self, pause: float = 0.0):
        self.pause = pause

    def fit(self, x, y, callbacks, **options):
        for c in callbacks:
            c.on_epoch_begin(0)
            c.on_train_batch_begin(0)
            c.on_train_batch_begin(1)
            c.on_epoch_end(0, {"loss": 0.0})
            c.on_train_end()
        time.sleep(self.pause)

    def evaluate(self, x, y, batch_size, verbose):
        return 0.5, 0.5


class HeldFeed(timing.ArrayFeed):
    """A feed holding something past fit() whose release waits, as a tf.data iterator's does."""

    def release(self) -> float:
        time.sleep(PAUSE)
        return PAUSE


class Leftover:
    """Garbage whose destruction waits, as a tf.data iterator's does, in a reference cycle."""

    def __init__(self):
        self.me = self

    def __del__(self):
        time.sleep(PAUSE)


@pytest.fixture(autouse=True, scope="module")
def framework_loaded():
    """Keras imported once before any clock (timed_fit synchronises through it), not inside a fit's time."""
    framework.current()


def timed(model: Model, feed_class=timing.ArrayFeed) -> dict:
    timer = timing.EpochClock("test", 1)
    timer.quiet = True
    return timing.timed_fit(model, feed_class(DATA.x_train, DATA.y_train, SETTINGS), DATA, SETTINGS, timer)


def test_what_the_feed_holds_past_fit_is_released_after_the_clock():
    record = timed(Model(), HeldFeed)
    assert record["released_seconds"] >= PAUSE and record["fit_seconds"] < PAUSE
    assert compared_fit_seconds(record) == record["fit_seconds"]


def test_a_wait_after_training_is_recorded_inside_the_whole_call_the_verdicts_compare():
    record = timed(Model(pause=PAUSE))
    assert record["teardown_seconds"] >= PAUSE and compared_fit_seconds(record) == record["fit_seconds"] >= PAUSE
    assert record["released_seconds"] == 0.0 and record["peak_rss_bytes"] > 0


def test_earlier_fits_garbage_is_collected_before_the_clock_starts():
    gc.disable()  # no automatic collection before the one under test
    try:
        Leftover()  # unreachable now, but only the cyclic collector frees it
        record = timed(Model())
    finally:
        gc.enable()
    assert record["collected_seconds"] >= PAUSE
    assert compared_fit_seconds(record) - sum(record["epoch_seconds"]) < 0.1
