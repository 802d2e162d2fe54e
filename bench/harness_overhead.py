"""Harness overhead: reproduce.py's measured fit against a bare Keras fit, side by side.

    python bench/harness_overhead.py [--model LSTM] [--pairs 5]

In one process, at the quick profile's size, alternates a bare `model.fit` timed with
two clock reads and the harness's own path (workload.measure: epoch/step timer, device
sync, NVML sampler), in ABBA order so drift cancels. Prints the median fit time of
each and their ratio, and the same for the fastest fit of each (robust to the stalls
that Keras' TensorFlow input pipeline makes now and then). Target: under 2 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import keras
from tabulate import tabulate

from cudnn_repro import backend, workload
from cudnn_repro.data import load_dataset
from cudnn_repro.models import SPECS, build_model
from cudnn_repro.settings import PROFILES
from cudnn_repro.telemetry import GpuSampler
from cudnn_repro.timing import fit_options


def bare_fit(spec, settings, data) -> float:
    keras.backend.clear_session()
    keras.utils.set_random_seed(settings.seed)
    model = build_model(spec, settings.maxlen, settings.math, backend.jit_compile())
    start = time.perf_counter()
    model.fit(data.x_train, data.y_train, **fit_options(settings))
    backend.synchronize()
    return time.perf_counter() - start


def harness_fit(spec, settings, data) -> float:
    return workload.measure(spec, settings, data, GpuSampler(), "harness")["fit_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="LSTM", choices=sorted(SPECS))
    parser.add_argument("--pairs", type=int, default=5)
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
    for label, pick in (("median", statistics.median), ("fastest", min)):
        ratio = pick(harness) / pick(bare)
        print(
            f"{args.model} on {backend.name()}, quick size, {label}: bare {pick(bare):.2f} s, "
            f"harness {pick(harness):.2f} s, harness / bare = {ratio:.3f} (overhead {ratio - 1:+.1%}, target < +2 %)"
        )


if __name__ == "__main__":
    main()
