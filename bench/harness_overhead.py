"""Harness overhead: what the timing harness adds to a fit, measured two ways.

    python bench/harness_overhead.py [--model LSTM] [--pairs 12]

1. Directly: the harness's own work is its callback (a clock read at each batch start,
   a device sync and a few list appends at each epoch end). Each hook is called many
   times through Keras' own CallbackList and timed; multiplied by the fit's batches and
   epochs and divided by the fit's time, that is the overhead, resolved to far below 1 %.
2. End to end: bare `model.fit` and the harness's path (workload.measure) alternated in
   ABBA order at the quick profile's size; the geometric mean of the paired ratios with
   its 95 % t-interval. Its half-width is the resolution this machine's noise allows.
Target: under 2 %.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras
from tabulate import tabulate

from cudnn_repro.judge import stats
from cudnn_repro.measure import framework, workload
from cudnn_repro.measure.data import load_dataset
from cudnn_repro.measure.stacks.keras3 import EpochTimer, build_model
from cudnn_repro.measure.telemetry import GpuSampler
from cudnn_repro.measure.timing import fit_options
from cudnn_repro.settings import PROFILES, SPECS

HOOK_CALLS = 100_000


def bare_fit(spec, settings, data) -> float:
    keras.backend.clear_session()
    keras.utils.set_random_seed(settings.seed)
    model = build_model(spec, settings.maxlen, settings.math, framework.current().JIT_COMPILE)
    start = time.perf_counter()
    model.fit(data.x_train, data.y_train, **fit_options(settings))
    framework.current().synchronize()
    return time.perf_counter() - start


def harness_fit(spec, settings, data) -> float:
    return workload.measure(spec, settings, data, GpuSampler(), "harness")["fit_seconds"]


def hook_seconds(calls: int = HOOK_CALLS) -> tuple[float, float]:
    """Seconds per batch-start hook and per epoch (begin + end), through Keras' CallbackList."""
    timer = EpochTimer("bench", epochs=calls)
    hooks = keras.callbacks.CallbackList([timer])
    timer.on_epoch_begin(0)
    start = time.perf_counter()
    for i in range(calls):
        hooks.on_train_batch_begin(i)
    per_batch = (time.perf_counter() - start) / calls
    epochs = calls // 100
    start = time.perf_counter()
    for epoch in range(epochs):
        hooks.on_epoch_begin(epoch)
        hooks.on_train_batch_begin(0)
        hooks.on_train_batch_begin(1)
        hooks.on_epoch_end(epoch, {"loss": 0.5})
    per_epoch = (time.perf_counter() - start) / epochs - 2 * per_batch
    return per_batch, per_epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="LSTM", choices=sorted(SPECS))
    parser.add_argument("--pairs", type=int, default=12)
    args = parser.parse_args()
    settings = PROFILES["quick"]
    data = load_dataset(settings)
    spec = SPECS[args.model]

    bare, harness = [], []
    for i in range(args.pairs):
        order = [(bare, bare_fit), (harness, harness_fit)]
        for times, fit in order if i % 2 == 0 else order[::-1]:
            times.append(fit(spec, settings, data))
    rows = [[i + 1, f"{b:.2f}", f"{h:.2f}", f"{h / b:.3f}"] for i, (b, h) in enumerate(zip(bare, harness, strict=True))]
    print(tabulate(rows, headers=["Pair", "Bare fit (s)", "Harness fit (s)", "Harness / bare"]))

    per_batch, per_epoch = hook_seconds()
    batches, epochs = settings.steps_per_epoch * settings.epochs, settings.epochs
    added = per_batch * batches + per_epoch * epochs
    fit = min(bare)
    print(
        f"\n1. Direct: {per_batch * 1e6:.2f} us per batch hook, {per_epoch * 1e6:.1f} us per epoch's hooks "
        f"(sync excluded: Keras reads the loss back at each epoch end itself); {batches} batches and {epochs} "
        f"epochs add {added * 1e3:.3f} ms to a {fit:.2f} s fit: overhead {added / fit:.4%} (target < 2 %)."
    )
    ratio = stats.paired_ratio(harness, bare)
    half = max(ratio.high / ratio.point, ratio.point / ratio.low) - 1
    print(
        f"2. End to end, {args.model} on {framework.current().NAME}, quick size, {args.pairs} ABBA pairs: "
        "harness / bare = "
        f"{ratio.point:.3f} [{ratio.low:.3f}, {ratio.high:.3f}] ({ratio.method}); this machine's noise "
        f"resolves differences of about +-{half:.1%} end to end."
    )


if __name__ == "__main__":
    main()
