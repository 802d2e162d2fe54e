"""judge/stopping.py's Rule, the one owner of the stopping rule: where it looks, what a look records and
says, and when it stops. (A run applying it: tests/test_stopping.py; its coverage: test_stats.py.)"""

from types import SimpleNamespace

from cudnn_repro.judge import stopping
from cudnn_repro.judge.outcomes import INCONCLUSIVE, NOT_VERIFIABLE, REPRODUCED


def judged(*verdicts: tuple[str, str, bool]):
    """An analysis whose verdicts are (claim id, verdict, decided)."""
    return SimpleNamespace(
        verdicts=[SimpleNamespace(claim=SimpleNamespace(id=i), verdict=v, decided=d) for i, v, d in verdicts]
    )


def rule_over(analysis, said: list[str]) -> stopping.Rule:
    return stopping.Rule(3, 6, lambda results: analysis, said.append)


def test_an_undecided_claim_asks_for_more_until_the_most_and_each_look_is_recorded_and_said():
    said: list[str] = []
    rule = rule_over(judged(("plain", INCONCLUSIVE, False), ("cudnn", NOT_VERIFIABLE, False)), said)
    results = {"settings": {"repeats": 3, "max_repeats": 6}}
    assert rule.points == (3, 6)
    assert rule.look(results, 3) is True and "stopped" not in results["stopping"]
    assert rule.look(results, 6) is False
    assert results["stopping"] == {
        "looks": [{"repeats": 3, "undecided": ["plain"]}, {"repeats": 6, "undecided": ["plain"]}],
        "stopped": stopping.MOST,
    }
    assert said == ["after 3 repeats, undecided: plain; 6 repeats in all",
                    "after 6 repeats, undecided: plain; no more: the rule's most"]  # fmt: skip


def test_every_judgeable_claim_decided_stops_at_the_first_look_silently():
    said: list[str] = []
    results = {"settings": {"repeats": 3, "max_repeats": 6}}
    assert rule_over(judged(("plain", REPRODUCED, True)), said).look(results, 3) is False
    assert results["stopping"] == {"looks": [{"repeats": 3, "undecided": []}], "stopped": stopping.DECIDED}
    assert said == []
