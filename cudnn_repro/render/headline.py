"""The plain sentence per claim that opens every REPORT.md and SUMMARY.md.

It formats what analysis and reconcile decided: the outcome by place (device and stack, with the
kind of plain kernel wherever a ratio is), the evidence each place rests on, its value and basis,
the number of runs, the main confound, and where the claim was never tried.
"""

from __future__ import annotations

from ..judge.claims import Article
from ..judge.findings import Analysis, Place, PlaceOutcome, Reconciled, Untried, Verdict
from ..judge.outcomes import NOT_APPLICABLE, NOT_VERIFIABLE, REPRODUCED
from ..registry import PLAIN_KERNELS
from .formats import claim_value
from .markdown import Markdown, bold, code, escape


def kernel_text(v: Verdict, place: Place) -> str:
    """The plain kernel's kind, beside a ratio whose value it shapes ("" where the claim's models are cuDNN's)."""
    return f"plain kernel: {place.kernel_short}" if v.claim.kernel_matters else ""


def runs_text(v: Verdict) -> str:
    n = v.estimate.n
    return f"{n} run{'s' if n != 1 else ''}"


def evidence(v: Verdict, analysis: Analysis) -> Markdown:
    """'152.03x predicted on NVIDIA H200 with Keras 3 on PyTorch (plain kernel: Python loop; 1 run: ...)'."""
    if v.verdict == NOT_VERIFIABLE or v.estimate is None:
        return escape(v.detail)
    place = analysis.place
    if v.verdict == NOT_APPLICABLE:
        facts = [runs_text(v), v.detail]
    else:
        facts = [kernel_text(v, place), runs_text(v) + (": indicative" if v.indicative else "")]
        facts += [f"main confound: {v.confounds[0]}"] if v.confounds else []
    value = claim_value(v.claim, v.estimate.point)
    return Markdown(
        f"{value} {escape(str(analysis.basis))} on {escape(place.device)} with {escape(place.stack)} "
        f"({escape('; '.join(f for f in facts if f))})"
    )


def report_lines(analysis: Analysis) -> list[str]:
    """REPORT.md's headline: one sentence per claim."""
    return [f"- {escape(v.claim.short)}: {bold(v.label)}: {evidence(v, analysis)}." for v in analysis.verdicts]


def place_text(p: PlaceOutcome) -> Markdown:
    """'Keras 3 on PyTorch (plain kernel: Python loop; `runs/x`: indicative: ..., 152.03x predicted, 1 run)'."""
    if p.outcome in (NOT_VERIFIABLE, NOT_APPLICABLE):
        return escape(p.place.stack)
    j = p.evidence
    v = j.verdict
    value = claim_value(v.claim, v.estimate.point)
    facts = [escape(kernel_text(v, p.place)), Markdown(f"{code(j.run_set)}: {escape(v.label)}, {value} "
             f"{escape(str(j.analysis.basis))}, {runs_text(v)}")]  # fmt: skip
    others = sum(1 for o in p.judged if o.tried and o is not j)
    if others:
        facts.append(Markdown(f"{others} more run set(s)"))
    return Markdown(f"{escape(p.place.stack)} ({'; '.join(f for f in facts if f)})")


def listed(parts: list[Markdown]) -> Markdown:
    """'A', 'A and B', 'A, B and C'."""
    return Markdown(parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1])


def places_text(places: list[PlaceOutcome]) -> Markdown:
    """'CPU with A and B; NVIDIA H200 with C': the places of one outcome, by device."""
    devices: dict[str, list[PlaceOutcome]] = {}
    for p in places:
        devices.setdefault(p.place.device, []).append(p)
    return Markdown(
        "; ".join(f"{escape(device)} with {listed([place_text(p) for p in ps])}" for device, ps in devices.items())
    )


# Why a place cannot judge a claim, after its outcome word.
WHY = {NOT_VERIFIABLE: "a model it needs did not run", NOT_APPLICABLE: "an absolute time is judged on the "
       "article's GPU class only"}  # fmt: skip


def untried_text(u: Untried, article: Article) -> str:
    if u.device == article.gpu:
        return f"the article's {article.gpu}"
    if u.kernel is None:
        return u.device
    return f"{u.device} with {PLAIN_KERNELS[u.kernel].name} (the article's kind of plain kernel)"


def summary_line(r: Reconciled, article: Article) -> str:
    """SUMMARY.md's headline for one claim, in one sentence: the outcome across places, then where it holds,
    fails, is undecided or cannot be judged, each place with its most direct evidence; where never tried."""
    groups: dict[str, list[PlaceOutcome]] = {}
    for p in r.places:
        groups.setdefault(p.outcome, []).append(p)
    parts = [] if REPRODUCED in groups else ["reproduced nowhere yet"]
    for outcome, places in groups.items():
        why = f" ({WHY[outcome]})" if outcome in WHY else ""
        parts.append(f"{bold(outcome)}{why} on {places_text(places)}")
    if r.never_tried:
        parts.append("never tried on " + ", nor on ".join(escape(untried_text(u, article)) for u in r.never_tried))
    sentence = f"- {escape(r.claim.short)}: {bold(r.outcome)}: " + "; ".join(parts)
    if r.set_aside:
        sentence += ". Not counted (superseded method): " + ", ".join(code(j.run_set) for j, _ in r.set_aside)
    return sentence + "."
