"""The plan a run states before its first fit: what it will fit, and for a long plan the ETA, from a
probe of every model."""

from __future__ import annotations

from ..settings import Settings
from .probe import LONG_FIT, PROBE_BATCHES, PROBE_EPOCHS, Probe, fit_probe
from .progress import clock, log


def plan_text(settings: Settings, planned: list[str], not_run: dict[str, str], repeats: int | None = None) -> str:
    """The plan of this stage (up to `repeats`; the stopping rule's second stage makes the repeats after
    the first ones): the fits it will make, the planned models it will not run and why, and the rule's
    most, if it has one. The ETA counts the same fits."""
    batches = settings.steps_per_epoch or settings.batches
    repeats = repeats or settings.repeats
    stage = (
        f"{repeats - settings.repeats} more interleaved repeat(s) ({settings.repeats + 1} to {repeats})"
        if repeats > settings.repeats
        else f"{repeats} interleaved repeat(s)"
    )
    rule = (
        f"; then up to {settings.max_repeats} repeats while a claim this host can judge is undecided"
        if settings.max_repeats and repeats < settings.max_repeats
        else ""
    )
    fits = [name for name in planned if name not in not_run]
    skipped = {name: not_run[name] for name in dict.fromkeys(planned) if name in not_run}
    why = "; ".join(
        f"{', '.join(n for n in skipped if skipped[n] == r)} not run: {r}" for r in dict.fromkeys(skipped.values())
    )
    what = (
        f"{len(fits)} fit(s), {stage} of {', '.join(dict.fromkeys(fits))}, "
        f"each {settings.epochs} epochs x {batches} batches of {settings.batch_size} "
        f"({settings.train_samples:,} training reviews), then {settings.test_samples:,} test reviews"
        if fits
        else "no fit"
    )
    return f"plan: {what}" + (f"; {why} (recorded as such, never timed)" if why else "") + rule


def is_long(settings: Settings) -> bool:
    return (settings.steps_per_epoch or settings.batches) * settings.epochs >= LONG_FIT * PROBE_BATCHES * PROBE_EPOCHS


def eta(settings: Settings, fits: list[str], data, probes: list[Probe], more: int = 0) -> dict[str, float]:
    """Each planned model's predicted fit and evaluation seconds, from a probe of it; logged as the ETA,
    with the worst case when the stopping rule may add `more` repeats."""
    probed = {p.model: p for p in probes}
    for name in dict.fromkeys(fits):
        if name not in probed:
            probed[name] = fit_probe(name, settings, data)
    each = {name: probed[name].predicted_seconds(settings) for name in dict.fromkeys(fits)}
    total = sum(each[name] for name in fits)
    parts = ", ".join(f"{name} {clock(s)}" for name, s in each.items())
    worst = total + more * sum(each.values())
    rule = f"; at most {clock(worst)} if the stopping rule makes {more} more repeat(s)" if more else ""
    log(
        f"ETA: {clock(total)} for the {len(fits)} fit(s) ({parts} each){rule}, predicted from a "
        f"{PROBE_BATCHES}-batch probe of each model: a rough guide, not a validated prediction"
    )
    return each
