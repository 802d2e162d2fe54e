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


def side(paths: list[str]) -> list[dict]:
    return [load(path) for path in paths]


def counted() -> list:
    """The validations of every committed pair that compares like with like."""
    return [
        validate_prediction(side(p["paper"]), side(p["quick"]), ARTICLE)
        for p in PAIRS
        if predict.unlike(side(p["paper"]), side(p["quick"]), ARTICLE.size) is None
    ]


def rounded_up(rows: list) -> float:
    """The largest charged error, rounded up to a whole percent."""
    return -(-max(abs(r.charged) for r in rows) * 100 // 1) / 100


@pytest.mark.parametrize("pair", PAIRS, ids=[p["machine"] for p in PAIRS])
def test_each_committed_pair_predicts_its_models(pair):
    validation = validate_prediction(side(pair["paper"]), side(pair["quick"]), ARTICLE)
    assert sorted(r.model for r in validation.rows) == sorted(pair["models"])


def test_validated_error_is_the_largest_counted_error_rounded_up_to_a_percent():
    rows = [row for v in counted() for row in v.rows]
    assert len(rows) >= 2, "at least one pair compares like with like"
    assert predict.validated_error() == pytest.approx(rounded_up(rows))


def test_validated_ratio_error_is_the_largest_counted_ratio_error_rounded_up_to_a_percent():
    """Each pair's ratio (paired by repeat on each side) as itself: a fit time's error does not bound it."""
    validations = counted()
    ratios = [row for v in validations for row in v.ratios]
    assert {r.model for r in ratios} == {"LSTM/GRU"} and len(ratios) == len(validations)
    assert predict.validated_ratio_error() == pytest.approx(rounded_up(ratios))
    for v in validations:
        (ratio,) = v.ratios
        fits = {r.model: r for r in v.rows}
        assert ratio.error == pytest.approx((1 + fits["LSTM"].error) / (1 + fits["GRU"].error) - 1)


def at(doc: dict, created: str, updated: str) -> dict:
    return doc | {"created": created, "updated": updated}


def test_a_pair_is_counted_only_like_with_like():
    """A reference of fewer steps, a fit that waits after training or predates that record, or a quick run of
    another profile."""
    paper, quick = load(PAIRS[0]["paper"][0]), load(PAIRS[0]["quick"][0])
    paper, quick = at(paper, "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"), at(quick, "2026-01-01T01:05:00Z", "x")
    size = ARTICLE.size
    assert predict.unlike([paper], [quick], size) is None
    short = paper | {"settings": paper["settings"] | {"steps_per_epoch": 10}}
    assert "whole epochs" in predict.unlike([short], [quick], size)
    waits = [dict(r, teardown_seconds=TEARDOWN_SECONDS) if r["status"] == "ok" else r for r in paper["runs"]]
    assert "wait up to 1.0 s" in predict.unlike([paper | {"runs": waits}], [quick], size)
    unrecorded = [{k: v for k, v in r.items() if k != "teardown_seconds"} for r in quick["runs"]]
    assert "predate the record" in predict.unlike([paper], [quick | {"runs": unrecorded}], size)
    steps = quick["settings"]["steps_per_epoch"] + 1  # another quick profile's error is not today's
    older = quick | {"settings": quick["settings"] | {"steps_per_epoch": steps}}
    assert "not today's quick profile" in predict.unlike([paper], [older], size)


def test_a_pair_is_counted_only_where_the_machines_drift_cannot_be_charged_to_the_predictor():
    """The sides take turns, or the quick run follows its reference within minutes in its image; a quick run
    made before its reference, long after it, or in another image does not count."""
    paper, quick = load(PAIRS[0]["paper"][0]), load(PAIRS[0]["quick"][0])
    size, hour = ARTICLE.size, "2026-01-01T{}:00Z"
    reference = at(paper, hour.format("00:00"), hour.format("01:00"))
    assert predict.unlike([reference], [at(quick, hour.format("01:09"), "x")], size) is None
    for late in ("01:11", "00:00"):  # over QUICK_AFTER_SECONDS after it, or before it
        assert "drift" in predict.unlike([reference], [at(quick, hour.format(late), "x")], size)
    elsewhere = quick | {"environment": quick["environment"] | {"container": {"image_id": "sha256:other"}}}
    assert "drift" in predict.unlike([reference], [at(elsewhere, hour.format("01:01"), "x")], size)
    turns = [at(doc | {"settings": doc["settings"] | {"repeats": 1}}, hour.format(f"0{i}:00"), "x")
             for i, doc in enumerate([quick, paper] * 3)]  # fmt: skip
    assert predict.unlike(turns[1::2], turns[::2], size) is None
    assert "drift" in predict.unlike(turns[1::2], turns[:1], size)  # one quick run before three references
    mixed = [turns[1], turns[3] | {"settings": turns[3]["settings"] | {"epochs": 3}}, turns[5]]
    assert "settings" in predict.unlike(mixed, turns[::2], size)


def test_an_interleaved_side_joins_its_invocations_as_repeats():
    quick = load(PAIRS[0]["quick"][0])
    runs = [r | {"repeat": 0} for r in quick["runs"][:2]]
    one = quick | {"settings": quick["settings"] | {"repeats": 1}, "runs": runs}
    joined = predict.joined([one, one, one])
    assert joined["settings"]["repeats"] == 3 and [r["repeat"] for r in joined["runs"]] == [0, 0, 1, 1, 2, 2]


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
    quick = load(pair["quick"][0])
    run = next(r for r in quick["runs"] if r["status"] == "ok")
    epochs, steps = run["epoch_seconds"], run["step_seconds"]
    extra = 250 - quick["settings"]["steps_per_epoch"]
    step = sorted(steps[1:])[len(steps[1:]) // 2] if len(steps[1:]) % 2 else sum(sorted(steps[1:])) / 2
    steady = sorted(epochs[1:])[len(epochs[1:]) // 2] if len(epochs[1:]) % 2 else sum(epochs[1:]) / 2
    by_hand = (compared_fit_seconds(run) - sum(epochs)) + epochs[0] + extra * step + 9 * (steady + extra * step)
    assert predict.predict_fit_seconds(run, quick["settings"], ARTICLE.size) == pytest.approx(by_hand)
