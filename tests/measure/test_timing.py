"""The timing loop keeps what is not the article's fit off the compared time: the teardown after
training ends (tf.data's iterator waiting out its autotune thread) and the garbage earlier fits left."""

import gc
import time
from types import SimpleNamespace

import numpy as np

from cudnn_repro.measure import timing
from cudnn_repro.results import compared_fit_seconds

SETTINGS = SimpleNamespace(batch_size=2, epochs=1, steps_per_epoch=None)
DATA = SimpleNamespace(x_train=np.zeros((4, 3)), y_train=np.zeros(4), x_test=np.zeros((2, 3)), y_test=np.zeros(2))
PAUSE = 0.3


class Model:
    """A fit of one epoch of two batches, then a pause after training ended, as today's Keras has."""

    def fit(self, x, y, callbacks, **options):
        for c in callbacks:
            c.on_epoch_begin(0)
            c.on_train_batch_begin(0)
            c.on_train_batch_begin(1)
            c.on_epoch_end(0, {"loss": 0.0})
            c.on_train_end()
        time.sleep(PAUSE)

    def evaluate(self, x, y, batch_size, verbose):
        return 0.5, 0.5


class Leftover:
    """Garbage whose destruction waits, as a tf.data iterator's does, in a reference cycle."""

    def __init__(self):
        self.me = self

    def __del__(self):
        time.sleep(PAUSE)


def test_the_teardown_after_training_is_recorded_and_left_out_of_the_compared_fit():
    timer = timing.EpochClock("test", 1)
    timer.quiet = True
    record = timing.timed_fit(Model(), DATA, SETTINGS, timer)
    assert record["teardown_seconds"] >= PAUSE and record["fit_seconds"] >= PAUSE
    outside = compared_fit_seconds(record) - sum(record["epoch_seconds"])
    assert 0 <= outside < 0.1  # the bound a fit's compared time outside its epochs must keep


def test_earlier_fits_garbage_is_collected_before_the_clock_starts():
    gc.disable()  # no automatic collection before the one under test
    try:
        Leftover()  # unreachable now, but only the cyclic collector frees it
        timer = timing.EpochClock("test", 1)
        timer.quiet = True
        record = timing.timed_fit(Model(), DATA, SETTINGS, timer)
    finally:
        gc.enable()
    assert record["collected_seconds"] >= PAUSE
    assert compared_fit_seconds(record) - sum(record["epoch_seconds"]) < 0.1
