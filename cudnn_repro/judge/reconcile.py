"""Each claim's verdicts across run sets, reconciled by place (device and stack), then across places.

A place's outcome is the decided verdict its counted run sets share; its evidence is the most direct of
them by a stated order (EVIDENCE_ORDER). "Not reproduced, larger than claimed" and "smaller than
claimed" are different outcomes and are never merged. A run set whose method is superseded is listed
with the reason but not counted. The summary (render/summary.py), its figure and summary.json only
format what this returns; `compare --check` exits by it as `report --check` does by one run set's verdicts.
"""

from __future__ import annotations

from .analysis import MEASURED, Analysis
from .claims import Article, Claim, TimeClaim
from .findings import Judged, PlaceOutcome, Reconciled, Untried
from .outcomes import (
    CONFLICTING,
    DEPENDS,
    NOT_APPLICABLE,
    NOT_VERIFIABLE,
    OUTCOME_ORDER,
    UNDECIDED,
    check_status,
    outcome_status,
    rank,
    verdict_status,
)
from .places import Place, article_kind, width


def directness(j: Judged, article: Article) -> tuple:
    """EVIDENCE_ORDER as a sort key, most direct largest."""
    e, a = j.verdict.estimate, j.analysis
    return (
        article_kind(a.place, j.verdict.claim, article),
        a.basis.kind == MEASURED,
        a.article_share,
        j.decided,
        -width(e),
        e.n if e else 0,
    )


def settle(judged: list[Judged]) -> str:
    """One place's outcome from its run sets' verdicts."""
    decided = {j.verdict.outcome for j in judged if j.decided}
    if decided:
        return decided.pop() if len(decided) == 1 else CONFLICTING
    if any(j.tried and j.verdict.verdict != NOT_APPLICABLE for j in judged):
        return UNDECIDED
    return NOT_APPLICABLE if all(j.verdict.verdict == NOT_APPLICABLE for j in judged) else NOT_VERIFIABLE


def across(places: list[PlaceOutcome]) -> str:
    """The claim's outcome across places: one decided outcome, or where it depends, or the rest."""
    decided = {p.outcome for p in places if p.outcome not in (UNDECIDED, NOT_APPLICABLE, NOT_VERIFIABLE)}
    if decided:
        return decided.pop() if len(decided) == 1 and CONFLICTING not in decided else DEPENDS
    outcomes = {p.outcome for p in places}
    if UNDECIDED in outcomes:
        return UNDECIDED
    return NOT_APPLICABLE if outcomes == {NOT_APPLICABLE} else NOT_VERIFIABLE


def never_tried(claim: Claim, places: list[PlaceOutcome], article: Article) -> list[Untried]:
    tried = [p.place for p in places if any(j.tried for j in p.judged)]
    if any(article.on_its_gpu_class(p.device) for p in tried):
        return []
    missing = [Untried(article.gpu, None)]
    if isinstance(claim, TimeClaim):  # judged on the article's GPU class alone
        return missing
    kernel = article.plain_kernel if claim.plain_models else None
    if not any(p.gpu and article_kind(p, claim, article) for p in tried):
        missing.append(Untried("any GPU", kernel))
    return missing


def reconcile(index: int, claim: Claim, sets: list[tuple[str, Analysis]], article: Article) -> Reconciled:
    by_place: dict[Place, list[Judged]] = {}
    set_aside = []
    for name, analysis in sets:
        judged = Judged(name, analysis.verdicts[index], analysis)
        if analysis.superseded:
            set_aside.append((judged, analysis.superseded))
        else:
            by_place.setdefault(analysis.place, []).append(judged)
    places = []
    for place, judged in by_place.items():
        judged.sort(key=lambda j: directness(j, article), reverse=True)
        places.append(PlaceOutcome(place, settle(judged), judged))
    places.sort(key=lambda p: (-OUTCOME_ORDER.index(rank(p.outcome)), directness(p.evidence, article)), reverse=True)
    return Reconciled(claim, across(places), places, never_tried(claim, places, article), set_aside)


def reconcile_all(article: Article, sets: list[tuple[str, Analysis]]) -> list[Reconciled]:
    return [reconcile(i, claim, sets, article) for i, claim in enumerate(article.claims)]


def run_set_status(analysis: Analysis, claims: frozenset[str] | None = None) -> int:
    """`report --check`'s exit status over the gating claims (all by default): lets CI or an evaluator's
    script act on the verdicts, as asv and pytest-benchmark do for regressions."""
    verdicts = [v for v in analysis.verdicts if claims is None or v.claim.id in claims]
    return check_status([verdict_status(v.verdict, v.decided) for v in verdicts])


def exit_status(reconciled: list[Reconciled], claims: frozenset[str] | None = None) -> int:
    """`compare --check` over the gating claims, by each claim's outcome across the counted run sets."""
    return check_status([outcome_status(r.outcome) for r in reconciled if claims is None or r.claim.id in claims])
