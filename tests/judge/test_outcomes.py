"""The outcome words' stated `--check` statuses are the ones the check gives (README prints them)."""

from cudnn_repro.judge import outcomes
from cudnn_repro.judge.outcomes import INDICATIVE, NOT_REPRODUCED, REPRODUCED, rank


def alternatives(word: str) -> list[str]:
    """Each outcome a word names: "not reproduced, larger than claimed / smaller than claimed" is two."""
    first, *rest = word.split(" / ")
    head = rank(first)
    return [first, *(p if rank(p) in outcomes.OUTCOME_ORDER else f"{head}, {p}" for p in rest)]


def test_each_outcome_word_states_the_status_compare_check_gives():
    for w in outcomes.OUTCOME_WORDS:
        assert {outcomes.outcome_status(o) for o in alternatives(w.word)} == {w.check}, w
    # the check catches a word that names two outcomes of different statuses
    assert len({outcomes.outcome_status(o) for o in alternatives(f"{REPRODUCED} / {NOT_REPRODUCED}")}) == 2


def test_each_verdict_word_states_the_status_report_check_gives():
    for w in outcomes.VERDICT_WORDS:
        indicative = w.word.startswith(INDICATIVE)
        verdict = REPRODUCED if indicative else rank(w.word)  # an indicative verdict of either kind: undecided
        decided = outcomes.is_decided(verdict, indicative)
        assert outcomes.verdict_status(verdict, decided) == w.check, w
        assert decided == (not indicative and verdict in (REPRODUCED, NOT_REPRODUCED))
