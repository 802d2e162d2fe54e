"""Where a full epoch's time goes that a quick epoch never sees.

    python bench/step_profile.py --models LSTM,GRU --epochs 2 [--quick-steps 30]

In one process, per model: a quick-profile fit (the quick profile's epochs and steps, or --quick-steps), then a fit
of whole article-size epochs, both on the run's own stack (default keras2), data and feed (the
stack's own, as a run feeds fit(): keras2's tf_keras pipeline with its iterator held). Every
batch start is recorded, and every Python garbage collection timed, so the full epoch's
per-step time can be read by position (first steps, middle, last) against the quick
run's steady steps. Prints one table per model; numbers only, no verdict.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import itertools
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tabulate import tabulate  # noqa: E402

from cudnn_repro.measure.data import load_dataset  # noqa: E402
from cudnn_repro.measure.stacks import feed, fresh_model  # noqa: E402
from cudnn_repro.settings import PROFILES, SPECS  # noqa: E402


class GcClock:
    """Wall time spent in Python's garbage collector, by generation."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]
        self._start = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._start
            self.count[info["generation"]] += 1


def batch_starts(settings, data, name: str) -> tuple[list[list[float]], list[float], list[float]]:
    """Each epoch's batch start times (from the epoch's start), the epochs' ends, and the fit's GC seconds."""
    import tf_keras

    epochs: list[list[float]] = []
    ends: list[float] = []

    class Recorder(tf_keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()
            epochs.append([])

        def on_train_batch_begin(self, batch, logs=None):
            epochs[-1].append(time.perf_counter() - self.start)

        def on_epoch_end(self, epoch, logs=None):
            float((logs or {}).get("loss", 0.0))
            ends.append(time.perf_counter() - self.start)

    model = fresh_model(SPECS[name], settings)
    fed = feed(settings, data)
    collector = GcClock()
    gc.callbacks.append(collector)
    try:
        model.fit(callbacks=[Recorder()], **fed.fit_arguments())
    finally:
        gc.callbacks.remove(collector)
        fed.release()
    return epochs, ends, [round(s, 3) for s in collector.seconds]


def mean_step(starts: list[float], first: int, last: int) -> float:
    """Mean seconds per step between batch starts first..last (0-based, inclusive)."""
    return (starts[last] - starts[first]) / (last - first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="LSTM,GRU")
    parser.add_argument("--epochs", type=int, default=2, help="whole article-size epochs per model")
    parser.add_argument("--quick-steps", type=int, default=PROFILES["quick"].steps_per_epoch)
    args = parser.parse_args()
    quick = dataclasses.replace(PROFILES["quick"], steps_per_epoch=args.quick_steps)
    full = dataclasses.replace(PROFILES["paper"], epochs=args.epochs)
    data = load_dataset(quick)
    for name in args.models.split(","):
        q_epochs, q_ends, q_gc = batch_starts(quick, data, name)
        f_epochs, f_ends, f_gc = batch_starts(full, data, name)
        rows = [
            [f"quick epoch {i + 1}", s[0], mean_step(s, 1, min(10, len(s) - 1)),
             mean_step(s, 10, len(s) - 1) if len(s) > 11 else "", "", e]
            for i, (s, e) in enumerate(zip(q_epochs, q_ends, strict=True))
        ]  # fmt: skip
        for i, (s, e) in enumerate(zip(f_epochs, f_ends, strict=True)):
            n = len(s)
            rows.append(
                [
                    f"full epoch {i + 1}",
                    s[0],
                    mean_step(s, 1, 10),
                    mean_step(s, 10, n // 2),
                    mean_step(s, n // 2, n - 1),
                    e,
                ]
            )
        print(f"\n{name} ({quick.stack}; {data.info['source']} data; batches of {quick.batch_size})")
        print(
            tabulate(
                rows,
                headers=["fit", "setup (s)", "steps 2-11 (s/step)", "11-mid", "mid-end", "epoch (s)"],
                floatfmt=".3f",
            )
        )
        full_steps = [b - a for s in f_epochs[1:] for a, b in itertools.pairwise(s)]
        median, mean = statistics.median(full_steps), statistics.mean(full_steps)
        slowest = sorted(full_steps)[int(0.99 * len(full_steps))]
        print(f"full epochs 2+: median step {median:.3f} s, mean {mean:.3f} s, slowest 1 % from {slowest:.3f} s")
        print(f"GC seconds by generation: quick fit {q_gc}, full fit {f_gc}")


if __name__ == "__main__":
    main()
