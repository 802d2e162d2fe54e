"""How every rendered page writes a number: seconds, ratios, a claim's value, estimates with their brackets, sizes."""

from __future__ import annotations

from ..judge.claims import Claim, RatioClaim
from ..judge.findings import Validation, ValidationRow
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


def claim_value(claim: Claim, value: float) -> str:
    """A value of the claim's kind: '1.24x' for a ratio, '173.0 s' for a time."""
    return f"{ratio(value)}x" if isinstance(claim, RatioClaim) else f"{secs(value)} s"


def claim_estimate(claim: Claim, e: Estimate | None) -> Markdown:
    """An estimate of the claim's value, with its brackets, in the claim's unit."""
    return estimate_text(e, ratio, "x") if isinstance(claim, RatioClaim) else estimate_text(e, secs, " s")


def validated_quantities(v: Validation) -> list[tuple[ValidationRow, str, Markdown, Markdown]]:
    """Each quantity a quick run predicted against its reference, named, predicted and measured in its unit:
    the models' fit times, then the ratios the claims judge."""
    fits = [(r, f"{r.model} fit", estimate_text(r.predicted, secs, " s"), estimate_text(r.measured, secs, " s"))
            for r in v.rows]  # fmt: skip
    ratios = [(r, f"{r.model} ratio", estimate_text(r.predicted, ratio, "x"), estimate_text(r.measured, ratio, "x"))
              for r in v.ratios]  # fmt: skip
    return fits + ratios


def article_value(claim: Claim) -> str:
    """The article's figure as it printed it: '10.29x', '173 s'."""
    return f"{ratio(claim.article_value)}x" if isinstance(claim, RatioClaim) else f"{claim.article_value:g} s"


def tf32_word(setting: bool | None) -> str:
    """TF32 as a run set's record has it: None is a file from before the option, which left it to the backend."""
    return "not controlled" if setting is None else "on" if setting else "off"


def runs_text(done: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in done.items()) or "none"


def gib(count: int) -> str:
    return f"{count / 2**30:.2f} GiB"
