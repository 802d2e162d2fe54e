"""Medians, spreads and bootstrap intervals: pure functions on lists of seconds."""

from __future__ import annotations

import statistics

import numpy as np

RESAMPLES = 10_000
LEVEL = 0.95
NOISY_SPREAD = 0.10  # as pyperf: warn when (max - min) is 10 % of the median or more


def relative_spread(values: list[float]) -> float:
    return (max(values) - min(values)) / statistics.median(values)


def _interval(samples: np.ndarray) -> tuple[float, float]:
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def median_interval(values: list[float], seed: int = 0) -> tuple[float, float | None, float | None]:
    """Median with a percentile-bootstrap interval; no interval from a single value."""
    point = statistics.median(values)
    if len(values) < 2:
        return point, None, None
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(values, (RESAMPLES, len(values))), axis=1)
    return (point, *_interval(medians))


def ratio_interval(
    numerator: list[float], denominator: list[float], seed: int = 0
) -> tuple[float, float | None, float | None]:
    """median(numerator) / median(denominator), each side resampled on its own."""
    point = statistics.median(numerator) / statistics.median(denominator)
    if len(numerator) < 2 or len(denominator) < 2:
        return point, None, None
    rng = np.random.default_rng(seed)
    top = np.median(rng.choice(numerator, (RESAMPLES, len(numerator))), axis=1)
    bottom = np.median(rng.choice(denominator, (RESAMPLES, len(denominator))), axis=1)
    return (point, *_interval(top / bottom))
