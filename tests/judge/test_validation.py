"""The quick predictor against the committed article-size runs it was validated on."""

import json

import pytest
from helpers import ROOT

from cudnn_repro.judge import predict
from cudnn_repro.judge.analysis import validate_prediction
from cudnn_repro.judge.claims import load_article
from cudnn_repro.results import compared_fit_seconds

PAIRS = predict.validations()


def load(path: str) -> dict:
    return json.loads((ROOT / path).read_text())


@pytest.mark.parametrize("pair", PAIRS, ids=[p["machine"] for p in PAIRS])
def test_validated_error_covers_every_committed_validation(pair):
    validation = validate_prediction(load(pair["paper"]), load(pair["quick"]), load_article())
    assert sorted(r.model for r in validation.rows) == sorted(pair["models"])
    for row in validation.rows:
        assert abs(row.error) <= predict.validated_error(), row


def test_validated_error_is_the_largest_error_rounded_up_to_a_percent():
    article = load_article()
    errors = [
        abs(r.error) for p in PAIRS for r in validate_prediction(load(p["paper"]), load(p["quick"]), article).rows
    ]
    assert predict.validated_error() == pytest.approx(-(-max(errors) * 100 // 1) / 100)


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
    assert predict.predict_fit_seconds(run, quick["settings"], load_article().size) == pytest.approx(by_hand)
