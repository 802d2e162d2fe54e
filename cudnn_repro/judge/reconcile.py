"""Each claim's verdicts across run sets, reconciled into one outcome, as data.

"Not reproduced, larger than claimed" and "smaller than claimed" are different outcomes and are
never merged. A run set whose method is superseded is listed with the reason but not counted.
The summary (render/summary.py) and summary.json only format what this returns; `compare --check`
exits by it as `report --check` does by one run set's verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import OK, SOME_NOT_REPRODUCED, UNDECIDED
from .analysis import NOT_REPRODUCED, NOT_VERIFIABLE, REPRODUCED, Analysis, Verdict
from .claims import Claim
from .stats import estimate_record

DEPENDS, UNDECIDED_OUTCOME = "depends on the machine or stack", "undecided"


@dataclass
class Judged:
    run_set: str
    verdict: Verdict


@dataclass
class Reconciled:
    claim: Claim
    outcome: str  # a firm verdict's outcome shared by every counted run set that judged firmly, or the others
    counted: list[Judged]
    set_aside: list[tuple[str, list[str]]]  # run set, why its method is superseded

    @property
    def firm(self) -> list[Judged]:
        return [j for j in self.counted if j.verdict.firm and j.verdict.verdict in (REPRODUCED, NOT_REPRODUCED)]

    @property
    def judged(self) -> list[Judged]:
        """Counted run sets that could judge the claim at all, firmly or not."""
        return [j for j in self.counted if j.verdict.verdict != NOT_VERIFIABLE]


def reconcile(index: int, claim: Claim, sets: list[tuple[str, Analysis]]) -> Reconciled:
    counted, set_aside = [], []
    for name, analysis in sets:
        if analysis.superseded:
            set_aside.append((name, analysis.superseded))
        else:
            counted.append(Judged(name, analysis.verdicts[index]))
    result = Reconciled(claim, "", counted, set_aside)
    outcomes = sorted({j.verdict.outcome for j in result.firm})
    if len(outcomes) == 1:
        result.outcome = outcomes[0]
    elif outcomes:
        result.outcome = DEPENDS
    elif result.judged:
        result.outcome = UNDECIDED_OUTCOME
    else:
        result.outcome = NOT_VERIFIABLE
    return result


def reconcile_all(claims: tuple[Claim, ...], sets: list[tuple[str, Analysis]]) -> list[Reconciled]:
    return [reconcile(i, claim, sets) for i, claim in enumerate(claims)]


def run_set_status(analysis: Analysis) -> int:
    """`report --check`'s exit status: lets CI or an evaluator's script act on the verdicts, as asv and
    pytest-benchmark do for regressions."""
    if any(v.verdict == NOT_REPRODUCED and v.firm for v in analysis.verdicts):
        return SOME_NOT_REPRODUCED
    if all(v.verdict == REPRODUCED and v.firm for v in analysis.verdicts):
        return OK
    return UNDECIDED


def exit_status(reconciled: list[Reconciled]) -> int:
    """compare --check: 0 every claim reproduced, 4 some claim firmly not reproduced on a counted
    run set, 5 otherwise (undecided, not verifiable)."""
    if any(j.verdict.verdict == NOT_REPRODUCED for r in reconciled for j in r.firm):
        return SOME_NOT_REPRODUCED
    if all(r.outcome == REPRODUCED for r in reconciled):
        return OK
    return UNDECIDED


def records(reconciled: list[Reconciled]) -> list[dict]:
    """summary.json's claims: the outcome, and the run sets counted and set aside."""
    out = []
    for r in reconciled:
        counted = []
        for j in r.counted:
            counted.append(
                {
                    "run_set": j.run_set,
                    "verdict": j.verdict.verdict,
                    "direction": j.verdict.direction,
                    "firm": j.verdict.firm,
                    **estimate_record(j.verdict.estimate),
                    "confounds": j.verdict.confounds,
                }
            )
        out.append(
            {
                "claim": r.claim.id,
                "text": r.claim.text,
                "outcome": r.outcome,
                "firm_run_sets": [j.run_set for j in r.firm],
                "counted": counted,
                "set_aside": [{"run_set": name, "reasons": reasons} for name, reasons in r.set_aside],
            }
        )
    return out
