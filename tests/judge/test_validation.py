"""The quick predictor against the committed article-size runs it was validated on: like with like only,
charged only beyond each reference's own noise."""

import math
import statistics

import pytest
from helpers import ROOT

from cudnn_repro import results
from cudnn_repro.judge import predict
from cudnn_repro.judge.analysis import validate_prediction
from cudnn_repro.judge.claims import load_article
from cudnn_repro.judge.findings import TEARDOWN_SECONDS
from cudnn_repro.results import compared_fit_seconds

PAIRS = predict.validations()
ARTICLE = load_article()


def load(path: str) -> dict:
    return results.load(ROOT / path)


def counted() -> list:
    """The rows of every committed pair that compares like with like."""
    return [
        row
        for p in PAIRS
        if predict.unlike(load(p["paper"]), load(p["quick"]), ARTICLE.size) is None
        for row in validate_prediction(load(p["paper"]), load(p["quick"]), ARTICLE).rows
    ]


@pytest.mark.parametrize("pair", PAIRS, ids=[p["machine"] for p in PAIRS])
def test_each_committed_pair_predicts_its_models(pair):
    validation = validate_prediction(load(pair["paper"]), load(pair["quick"]), ARTICLE)
    assert sorted(r.model for r in validation.rows) == sorted(pair["models"])


def test_validated_error_is_the_largest_counted_error_rounded_up_to_a_percent():
    rows = counted()
    assert len({id(r) for r in rows}) >= 2, "at least one pair compares like with like"
    assert predict.validated_error() == pytest.approx(-(-max(abs(r.charged) for r in rows) * 100 // 1) / 100)


def test_a_pair_is_counted_only_like_with_like():
    """A reference of fewer steps, or a fit that waits after training, or one that predates that record."""
    paper, quick = load(PAIRS[0]["paper"]), load(PAIRS[0]["quick"])
    size = ARTICLE.size
    short = paper | {"settings": paper["settings"] | {"steps_per_epoch": 10}}
    assert "whole epochs" in predict.unlike(short, quick, size)
    waits = [dict(r, teardown_seconds=TEARDOWN_SECONDS) if r["status"] == "ok" else r for r in paper["runs"]]
    assert "wait up to 1.0 s" in predict.unlike(paper | {"runs": waits}, quick, size)
    unrecorded = [{k: v for k, v in r.items() if k != "teardown_seconds"} for r in quick["runs"]]
    assert "predate the record" in predict.unlike(paper, quick | {"runs": unrecorded}, size)


def test_the_charge_is_the_error_beyond_one_standard_error_of_the_references_mean():
    from cudnn_repro.judge.findings import ValidationRow
    from cudnn_repro.judge.stats import Estimate, log_standard_error

    runs = [90.0, 100.0, 111.0]  # the reference's fits
    noise = log_standard_error(runs)
    assert noise == pytest.approx(statistics.stdev(math.log(v) for v in runs) / math.sqrt(3))

    def row(error: float, noise: float | None) -> ValidationRow:
        return ValidationRow("LSTM", Estimate(1, None, None, 1), Estimate(1, None, None, 3), error, noise)

    assert row(math.expm1(noise / 2), noise).charged == 0.0  # within the reference's own noise
    assert row(math.expm1(noise + 0.1), noise).charged == pytest.approx(math.expm1(0.1))
    assert row(math.expm1(-noise - 0.1), noise).charged == pytest.approx(math.expm1(-0.1))  # under-predicted
    assert log_standard_error(runs[:2]) is None and row(0.21, None).charged == 0.21  # noise unknown: all of it


@pytest.mark.parametrize("pair", PAIRS, ids=[p["machine"] for p in PAIRS])
def test_prediction_from_recorded_epochs_and_steps(pair):
    """One recorded quick run, predicted by hand from its epoch and step times."""
    quick = load(pair["quick"])
    run = next(r for r in quick["runs"] if r["status"] == "ok")
    epochs, steps = run["epoch_seconds"], run["step_seconds"]
    extra = 250 - quick["settings"]["steps_per_epoch"]
    step = sorted(steps[1:])[len(steps[1:]) // 2] if len(steps[1:]) % 2 else sum(sorted(steps[1:])) / 2
    steady = sorted(epochs[1:])[len(epochs[1:]) // 2] if len(epochs[1:]) % 2 else sum(epochs[1:]) / 2
    by_hand = (compared_fit_seconds(run) - sum(epochs)) + epochs[0] + extra * step + 9 * (steady + extra * step)
    assert predict.predict_fit_seconds(run, quick["settings"], ARTICLE.size) == pytest.approx(by_hand)
