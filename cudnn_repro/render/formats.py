"""How every rendered page writes a number: seconds, ratios, estimates with their brackets, sizes."""

from __future__ import annotations

from ..judge.stats import Estimate
from .markdown import Markdown


def secs(x: float) -> str:
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}" if x >= 0.1 else f"{x:.4f}"


def estimate_text(e: Estimate | None, fmt=secs, unit: str = "") -> Markdown:
    """'x [lo, hi]' for an interval, 'x (range lo-hi)' for two runs, 'x' for one."""
    if e is None:
        return Markdown("-")
    point = f"{fmt(e.point)}{unit}"
    if e.low is None:
        return Markdown(point)
    if e.interval:
        return Markdown(f"{point} [{fmt(e.low)}, {fmt(e.high)}]")
    return Markdown(f"{point} (range {fmt(e.low)}-{fmt(e.high)})")


def ratio(x: float) -> str:
    return f"{x:.2f}"


def runs_text(done: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in done.items()) or "none"


def gib(count: int) -> str:
    return f"{count / 2**30:.2f} GiB"
