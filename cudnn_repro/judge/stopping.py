"""The stopping rule of the paper and quick profiles: their first repeats, then the rest up to the most
while a claim this host can judge is still undecided. This module owns all of it: where the rule looks,
what a look decides and records, and the level its intervals are at; the workload only fits what it is
asked for between looks.

The run looks at its verdicts twice at most (after `repeats`, after `max_repeats`), so each look's
intervals are at stats.look_level(2): together they cover with 95 %, whichever look it stops at, and
a claim whose true value sits on its range's edge is called reproduced at most 5 % of the time
(tests/judge/test_stats.py simulates both). A fixed count (`--repeats N`) looks once, at 95 %.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..results import ResultsFile, RunSettings, most_repeats
from . import stats
from .findings import Analysis
from .outcomes import NOT_APPLICABLE, NOT_VERIFIABLE

DECIDED, MOST = "every claim this host can judge was decided", "the most repeats the rule makes"


def looks(settings: RunSettings) -> int:
    return 2 if settings.get("max_repeats") else 1


def level(settings: RunSettings) -> float:
    """The level of every interval of a run under this rule."""
    return stats.look_level(looks(settings))


def undecided(analysis: Analysis) -> list[str]:
    """The claims this host can judge (their models ran, not hardware-bound elsewhere) that no
    verdict decides yet: their ids."""
    return [
        v.claim.id for v in analysis.verdicts if v.verdict not in (NOT_VERIFIABLE, NOT_APPLICABLE) and not v.decided
    ]


def record(results: ResultsFile, repeats: int, open_claims: list[str]) -> bool:
    """Write this look into the results (`stopping`: each look's repeats and undecided claims, and why
    the run stopped, once it has); whether the rule asks for more repeats."""
    most = most_repeats(results["settings"])
    state = results.setdefault("stopping", {"looks": []})
    state["looks"] = [look for look in state["looks"] if look["repeats"] != repeats]
    state["looks"].append({"repeats": repeats, "undecided": open_claims})
    more = bool(open_claims) and repeats < most
    if not more:
        state["stopped"] = DECIDED if not open_claims else MOST
    return more


@dataclass(frozen=True)
class Rule:
    """One run's rule: the repeats it looks after, and its look. `judged` is the analysis of the results so
    far (judge/analysis.py's, which this module's level serves), `say` where a look is told."""

    repeats: int
    max_repeats: int
    judged: Callable[[ResultsFile], Analysis]
    say: Callable[[str], None]

    @property
    def points(self) -> tuple[int, int]:
        return self.repeats, self.max_repeats

    def look(self, results: ResultsFile, repeats: int) -> bool:
        """The look after `repeats`, recorded in the results (the run saves them): whether it asks for more."""
        open_claims = undecided(self.judged(results))
        more = record(results, repeats, open_claims)
        if open_claims:
            verb = f"{self.max_repeats} repeats in all" if more else "no more: the rule's most"
            self.say(f"after {repeats} repeats, undecided: {', '.join(open_claims)}; {verb}")
        return more
