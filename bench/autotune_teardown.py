"""What tf_keras's fit() waited for after its last epoch: destroying a tf.data iterator waits for the
autotune thread's next wake-up, whose sleep doubles from 10 ms up to 60 s after the iterator starts.

Iterates an autotuned pipeline for a given time, deletes the iterator, and prints how long the delete
took and when it ended; then the same with autotune off, side by side in one run. Expected with the
doubling: deletes end near 10 ms x (2^k - 1) after the start (5.1 s, 10.2 s, 20.5 s, 41.0 s, ...).

    python bench/autotune_teardown.py 3 12 30
"""

from __future__ import annotations

import sys
import time


def trial(seconds: float, autotune: bool) -> None:
    import tensorflow as tf

    dataset = tf.data.Dataset.range(10**9).map(lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    if not autotune:
        options = tf.data.Options()
        options.autotune.enabled = False
        dataset = dataset.with_options(options)
    start = time.perf_counter()
    iterator = iter(dataset)
    while time.perf_counter() - start < seconds:
        next(iterator)
    deleting = time.perf_counter()
    del iterator
    end = time.perf_counter()
    print(f"autotune {'on ' if autotune else 'off'}: iterated {deleting - start:5.2f} s, "
          f"delete took {end - deleting:5.2f} s, ended {end - start:5.2f} s after the start", flush=True)  # fmt: skip


if __name__ == "__main__":
    for seconds in map(float, sys.argv[1:] or ["3", "12", "30"]):
        trial(seconds, autotune=True)
        trial(seconds, autotune=False)
