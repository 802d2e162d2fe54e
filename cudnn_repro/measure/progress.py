"""Progress a person can plan by: times as h:mm:ss and the time left for the whole plan."""

from __future__ import annotations

import statistics
import sys


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def clock(seconds: float) -> str:
    """h:mm:ss, rounded to the second."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def plan_left(
    remaining: list[str], fits: dict[str, list[float]], cudnn: dict[str, bool], probed: dict[str, float]
) -> float | None:
    """Seconds the remaining fits should take: each model's median finished fit, else its probe's
    prediction, else the median of the finished models of its kind (plain or cuDNN); None while
    one is unknown."""
    total = 0.0
    for name in remaining:
        known = fits.get(name) or ([probed[name]] if name in probed else [])
        known = known or [f for other, times in fits.items() if cudnn[other] == cudnn[name] for f in times]
        if not known:
            return None
        total += statistics.median(known)
    return total
