"""The intervals' stated coverage, simulated on known distributions at the repeat counts people use."""

import math

import numpy as np
import pytest

from cudnn_repro.judge import stats
from cudnn_repro.judge.stats import Estimate

TRIALS = 2000
TRUE_RATIO = 10.0


def log_normal(rng, median: float, cv: float, n: int) -> np.ndarray:
    sigma = math.sqrt(math.log(1 + cv**2))
    return median * np.exp(rng.normal(0.0, sigma, n))


@pytest.mark.parametrize("n", [3, 5])
@pytest.mark.parametrize("cv", [0.10, 0.30])
def test_ratio_interval_covers_the_true_ratio_as_often_as_it_says(n, cv):
    rng = np.random.default_rng(7)
    covered = 0
    for _ in range(TRIALS):
        plain, cudnn = log_normal(rng, 100.0 * TRUE_RATIO, cv, n), log_normal(rng, 100.0, cv, n)
        e = stats.paired_ratio(list(plain), list(cudnn))
        covered += e.low <= TRUE_RATIO <= e.high
    assert abs(covered / TRIALS - stats.LEVEL) <= 0.03


@pytest.mark.parametrize("n", [3, 5])
def test_model_interval_covers_the_true_geometric_mean(n):
    rng = np.random.default_rng(11)
    covered = 0
    for _ in range(TRIALS):
        e = stats.log_estimate(list(log_normal(rng, 50.0, 0.2, n)))
        covered += e.low <= 50.0 <= e.high
    assert abs(covered / TRIALS - stats.LEVEL) <= 0.03


def test_too_few_runs_give_a_range_or_a_point_never_an_interval():
    two = stats.log_estimate([10.0, 12.0])
    assert (two.low, two.high, two.interval) == (10.0, 12.0, False) and "range" in two.method
    one = stats.paired_ratio([40.0], [4.0])
    assert (one.point, one.low, one.interval) == (pytest.approx(10.0), None, False) and "single" in one.method
    assert stats.log_estimate([1.0, 2.0, 4.0]).interval and "95% t-interval" in stats.log_estimate([1.0, 2, 4]).method


def test_widening_pushes_bounds_out_and_turns_a_point_into_a_range():
    e = stats.log_estimate([9.0, 10.0, 11.0]).widen(1.2)
    base = stats.log_estimate([9.0, 10.0, 11.0])
    assert e.low == pytest.approx(base.low / 1.2) and e.high == pytest.approx(base.high * 1.2)
    point = stats.log_estimate([10.0]).widen(1.5)
    assert (point.low, point.high) == (pytest.approx(10 / 1.5), pytest.approx(15.0))
    assert "widened x1.50" in point.method and not point.interval


@pytest.mark.parametrize("n", [3, 5, 10])
@pytest.mark.parametrize("cv", [0.02, 0.10])
def test_a_tie_is_called_falsely_at_most_5_percent_of_the_time_at_the_margins_edge(n, cv):
    """The equivalence answer (TOST by the 95 % interval): with the true ratio on the tie band's edge
    (GRU 5 % faster), "a tie" at most 5 % of the time; and "reproduced" likewise at most 5 %."""
    from cudnn_repro.judge.analysis import side
    from cudnn_repro.judge.claims import load_article
    from cudnn_repro.judge.outcomes import NOT_REPRODUCED, REPRODUCED

    claim = next(c for c in load_article().claims if c.id == "gru_faster_plain")
    edge = claim.tie()[1]
    rng = np.random.default_rng(5)
    ties = reproduced = 0
    for _ in range(TRIALS):
        lstm, gru = log_normal(rng, 100.0 * edge, cv, n), log_normal(rng, 100.0, cv, n)
        verdict, direction = side(claim, stats.paired_ratio(list(lstm), list(gru)))
        ties += verdict == NOT_REPRODUCED and direction.startswith("a tie")
        reproduced += verdict == REPRODUCED
    assert ties / TRIALS <= 0.05 and reproduced / TRIALS <= 0.05


def sequential(rng, claim, true_ratio: float, cv: float) -> tuple[Estimate, str]:
    """The paper profile's stopping rule on simulated fits: 3 paired repeats, then 3 more while the
    claim is undecided, each look's interval at the rule's level (judge/stopping.py)."""
    from cudnn_repro.judge.analysis import side
    from cudnn_repro.judge.outcomes import INCONCLUSIVE

    level = stats.look_level(2)
    top, bottom = list(log_normal(rng, 100.0 * true_ratio, cv, 6)), list(log_normal(rng, 100.0, cv, 6))
    e = stats.paired_ratio(top[:3], bottom[:3], level)
    if side(claim, e)[0] == INCONCLUSIVE:
        e = stats.paired_ratio(top, bottom, level)
    return e, side(claim, e)[0]


@pytest.mark.parametrize("cv", [0.05, 0.10, 0.30])
def test_the_stopping_rule_keeps_the_coverage_it_states(cv):
    """Whichever look the rule stops at, its interval covers the true ratio at least 95 % of the time;
    and with the true ratio on the accepted range's edge, "reproduced" at most 5 % of the time."""
    from cudnn_repro.judge.claims import load_article
    from cudnn_repro.judge.outcomes import REPRODUCED

    claims = {c.id: c for c in load_article().claims}
    rng = np.random.default_rng(13)
    covered = 0
    for _ in range(TRIALS):
        e, _ = sequential(rng, claims["cudnn_lstm_speedup"], TRUE_RATIO, cv)
        covered += e.low <= TRUE_RATIO <= e.high
    assert covered / TRIALS >= stats.LEVEL
    for claim, edge in [
        (claims["cudnn_lstm_speedup"], 5.0),
        (claims["gru_faster_plain"], claims["gru_faster_plain"].accepted()[0]),
    ]:
        false = sum(sequential(rng, claim, edge, cv)[1] == REPRODUCED for _ in range(TRIALS))
        assert false / TRIALS <= 0.05
