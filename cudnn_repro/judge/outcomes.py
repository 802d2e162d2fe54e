"""The words of every answer this package gives: a run set's verdict on a claim, and a claim's outcome at a
place and across places; what each means, how it is written, and what `--check` exits with on it.

One owner for them: judge decides with these constants, render writes them, and README's definitions
are generated from the meanings here (render/glossary.py, `make docs`). "Decided" is the one word for an
answer drawn from an interval (reproduced or not); anything else holds `--check` back.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import OK, SOME_NOT_REPRODUCED, SOME_UNDECIDED

# A run set's verdict on one claim (REPORT.md, verdicts.json).
REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, NOT_VERIFIABLE, NOT_APPLICABLE = (
    "reproduced",
    "not reproduced",
    "inconclusive",
    "not verifiable",  # a model the claim needs did not run: it holds back `--check`'s 0
    "not applicable",  # a hardware-bound claim on other hardware: it does not
)
# Which way a claim that is not reproduced missed; a direction claim's third decided answer: neither way.
LARGER, SMALLER, TIE = "larger than claimed", "smaller than claimed", "a tie (within {margin:.0%})"
INDICATIVE = "indicative"  # written before a verdict drawn from fewer than 3 runs
# A claim's outcome at a place (its run sets together) and across places.
UNDECIDED, CONFLICTING, DEPENDS = "undecided", "conflicting", "depends on the place"
# How places are listed: where a claim holds, where it fails, then the rest.
OUTCOME_ORDER = (REPRODUCED, NOT_REPRODUCED, CONFLICTING, UNDECIDED, NOT_VERIFIABLE, NOT_APPLICABLE)


@dataclass(frozen=True)
class Word:
    word: str  # as every page, file and figure writes it
    meaning: str  # as README defines it
    check: int  # `--check`'s exit status for a gating claim with this answer


# One run set's verdicts, as REPORT.md gives them.
VERDICT_WORDS = (
    Word(REPRODUCED, "the whole interval of at least 3 interleaved runs lies inside the claim's accepted range "
         "(narrowed by its margin)", OK),
    Word(f"{NOT_REPRODUCED}, {LARGER} / {SMALLER}", "the whole interval lies above or below it (widened by the "
         f"margin); for a claim that one model is faster, an interval wholly within the margin of a tie is "
         f"*{NOT_REPRODUCED}, {TIE.format(margin=0.05)}*", SOME_NOT_REPRODUCED),
    Word(INCONCLUSIVE, "the interval straddles the range's edge", SOME_UNDECIDED),
    Word(f"{INDICATIVE}: ...", "fewer than 3 runs, so a range and no interval: never decided, whatever it points to",
         SOME_UNDECIDED),
    Word(NOT_VERIFIABLE, "a model the claim needs did not run here (no GPU for the cuDNN pair)", SOME_UNDECIDED),
    Word(NOT_APPLICABLE, "the claim is bound to hardware (\"under 3 minutes\" holds on the article's GPU class "
         "only); `--check` does not count it against a run", OK),
)  # fmt: skip
# A claim's outcome where run sets meet: the claims table, SUMMARY.md, summary.json.
OUTCOME_WORDS = (
    Word(REPRODUCED, "decided so by the run sets of a place (or by every place that decided it)", OK),
    Word(f"{NOT_REPRODUCED}, {LARGER} / {SMALLER}", "decided so likewise; the two directions are different "
         "outcomes, never merged", SOME_NOT_REPRODUCED),
    Word(CONFLICTING, "a place's run sets decided it both ways", SOME_NOT_REPRODUCED),
    Word(DEPENDS, "places decided it differently, each named", SOME_NOT_REPRODUCED),
    Word(UNDECIDED, "some run set judged it, none decided it (inconclusive or indicative verdicts)", SOME_UNDECIDED),
    Word(NOT_VERIFIABLE, "a model the claim needs ran nowhere it was tried (no GPU for the cuDNN pair)",
         SOME_UNDECIDED),
    Word(NOT_APPLICABLE, "the absolute time (\"under 3 minutes\") anywhere but the article's GPU class", OK),
)  # fmt: skip


def rank(outcome: str) -> str:
    """An outcome's entry in OUTCOME_ORDER ("not reproduced, larger than claimed": "not reproduced")."""
    return outcome.split(",")[0]


def outcome_text(verdict: str, direction: str | None) -> str:
    """The verdict with the way it missed: "not reproduced, larger than claimed" is not "smaller"."""
    return f"{verdict}, {direction}" if direction else verdict


def label(verdict: str, direction: str | None, indicative: bool) -> str:
    """A verdict as every page writes it: "indicative: " before one drawn from a range."""
    text = outcome_text(verdict, direction)
    return f"{INDICATIVE}: {text}" if indicative and verdict in (REPRODUCED, NOT_REPRODUCED) else text


def is_decided(verdict: str, indicative: bool) -> bool:
    """Reproduced or not (a tie included), from an interval."""
    return not indicative and verdict in (REPRODUCED, NOT_REPRODUCED)


def verdict_status(verdict: str, decided: bool) -> int:
    """`--check`'s status for one gating verdict: OK only when decided reproduced, or not applicable."""
    if verdict == NOT_APPLICABLE:
        return OK
    if not decided:
        return SOME_UNDECIDED
    return OK if verdict == REPRODUCED else SOME_NOT_REPRODUCED


def outcome_status(outcome: str) -> int:
    """`--check`'s status for one gating claim's outcome across run sets."""
    return {REPRODUCED: OK, NOT_APPLICABLE: OK, NOT_REPRODUCED: SOME_NOT_REPRODUCED, CONFLICTING: SOME_NOT_REPRODUCED,
            DEPENDS: SOME_NOT_REPRODUCED}.get(rank(outcome), SOME_UNDECIDED)  # fmt: skip


def check_status(statuses: list[int]) -> int:
    """The whole check: any claim decided not reproduced wins, then any undecided; else OK."""
    for status in (SOME_NOT_REPRODUCED, SOME_UNDECIDED):
        if status in statuses:
            return status
    return OK
