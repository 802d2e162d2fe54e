"""How a fit's time scales with its batches and epochs: the one formula that the quick verdict's
prediction (judge/predict.py) and a run's ETA (measure/plan.py) share.

A fit is its setup outside the epochs, a first epoch that also builds and warms up, and steady
epochs; each epoch a fixed part and its steps, at the steady per-step time read between batch
starts (epochs 2 onwards).
"""

from __future__ import annotations

import statistics

from .results import Run, compared_fit_seconds


def scaled_fit_seconds(run: Run, batches: int, wanted_batches: int, wanted_epochs: int) -> float:
    """A fit of `batches` per epoch scaled to `wanted_batches` per epoch and `wanted_epochs`."""
    epochs = run["epoch_seconds"]
    extra = wanted_batches - batches
    steady = statistics.median(epochs[1:])
    steps = [s for s in run.get("step_seconds", [])[1:] if s is not None]
    # Files from before per-step times were recorded: scale whole epochs by batches.
    step = statistics.median(steps) if steps else steady / batches
    outside = max(compared_fit_seconds(run) - sum(epochs), 0.0)
    first = epochs[0] + extra * step
    return outside + first + (wanted_epochs - 1) * (steady + extra * step)
