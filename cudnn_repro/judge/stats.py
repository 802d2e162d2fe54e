"""Estimates with intervals whose stated coverage holds at the run counts people use.

Run times are positive and their noise multiplicative, so everything works on logs: a
model's time is the geometric mean of its runs, a ratio the geometric mean of the
per-repeat ratios of interleaved runs (pairing cancels drift that hits both models), and
the interval is Student's t on those logs, exact for log-normal noise at any n >= 2
(tests/judge/test_stats.py simulates it). Below MIN_RUNS a spread cannot be judged at all, so
the estimate gives the observed range instead and calls itself indicative.

A run that decides after its first repeats whether to make more (the paper and quick profiles' stopping rule)
looks at its intervals more than once; each look's interval is then at look_level(looks), so that
all of them together still cover with LEVEL (Bonferroni), whichever look it stops at.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

LEVEL = 0.95
MIN_RUNS = 3  # fewer: a range of what was seen, never a "95 %" interval
NOISY_SPREAD = 0.10  # as pyperf: warn when (max - min) is 10 % of the median or more


@dataclass(frozen=True)
class Estimate:
    point: float
    low: float | None
    high: float | None
    n: int
    widened: float = 1.0  # factor the bounds were pushed out by, for an error not in the runs
    level: float = LEVEL  # of the interval (n >= MIN_RUNS): above LEVEL under a stopping rule

    @property
    def interval(self) -> bool:
        """True when (low, high) is a LEVEL confidence interval, False for a range or nothing."""
        return self.n >= MIN_RUNS

    @property
    def method(self) -> str:
        if self.n >= MIN_RUNS:
            method = f"{interval_label(self.level)} on logs, n={self.n}"
        elif self.n == 2:
            method = "range of 2 runs (too few for an interval)"
        else:
            method = "single run (no interval)"
        return method + (f", widened x{self.widened:.2f} by the predictor's error" if self.widened > 1 else "")

    @property
    def bounds(self) -> tuple[float, float]:
        """(low, high), the point itself when there is no interval; never on the wrong side of
        the point (a geometric mean of equal values can round a hair past them)."""
        if self.low is None or self.high is None:
            return self.point, self.point
        return min(self.low, self.point), max(self.high, self.point)

    def widen(self, factor: float) -> Estimate:
        """Bounds pushed out by a factor (>= 1) on each side; a single value becomes a range (by a factor
        above 1: by 1, nothing changes)."""
        if factor == 1:
            return self
        low, high = self.bounds
        return Estimate(self.point, low / factor, high * factor, self.n, self.widened * factor, self.level)


def level_text(level: float) -> str:
    """95%, 97.5%: as the intervals' method and the reports write a level."""
    return f"{level:.1%}".replace(".0%", "%")


def interval_label(level: float) -> str:
    """A bracket's label wherever one appears: its own level and, when a stopping rule looked more than
    once, the coverage all its looks give together: "97.5% t-interval per look (2 looks: 95% overall)"."""
    looks = round((1 - LEVEL) / (1 - level))
    if looks <= 1:
        return f"{level_text(level)} t-interval"
    return f"{level_text(level)} t-interval per look ({looks} looks: {level_text(LEVEL)} overall)"


def look_level(looks: int) -> float:
    """Each look's interval level when a run may look `looks` times: together they cover with LEVEL."""
    return 1 - (1 - LEVEL) / looks


def log_estimate(values: list[float], level: float = LEVEL) -> Estimate:
    """Geometric mean of positive values, with a t-interval on their logs."""
    logs = [math.log(v) for v in values]
    n, centre = len(logs), statistics.fmean(logs)
    if n >= MIN_RUNS:
        from scipy.special import stdtrit  # Student's t quantile; here, as scipy costs every command 0.5 s

        half = stdtrit(n - 1, (1 + level) / 2) * statistics.stdev(logs) / math.sqrt(n)
        return Estimate(math.exp(centre), math.exp(centre - half), math.exp(centre + half), n, level=level)
    if n == 2:
        return Estimate(math.exp(centre), min(values), max(values), n)
    return Estimate(math.exp(centre), None, None, n)


def log_standard_error(values: list[float]) -> float | None:
    """The standard error of the mean of positive values' logs: their mean's own noise; None below MIN_RUNS."""
    if len(values) < MIN_RUNS:
        return None
    return statistics.stdev(math.log(v) for v in values) / math.sqrt(len(values))


def paired_ratio(numerator: list[float], denominator: list[float], level: float = LEVEL) -> Estimate:
    """The ratio of two models' times from runs paired by repeat (same length, same order)."""
    return log_estimate([a / b for a, b in zip(numerator, denominator, strict=True)], level)


def relative_spread(values: list[float]) -> float:
    return (max(values) - min(values)) / statistics.median(values)


def estimate_record(e: Estimate | None) -> dict:
    """An estimate as verdicts.json and summary.json carry it (all None: the claim has no value)."""
    if e is None:
        return {"value": None, "low": None, "high": None, "n": None}
    return {"value": e.point, "low": e.low, "high": e.high, "n": e.n}
