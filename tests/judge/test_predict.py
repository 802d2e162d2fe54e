"""The quick profile's extrapolation, on synthetic timing records."""

import pytest

from cudnn_repro.judge import predict
from cudnn_repro.judge.claims import load_article

SIZE = load_article().size
QUICK = {"train_samples": 1000, "test_samples": 1000, "epochs": 3, "batch_size": 100, "maxlen": 300, "num_words": 30000,
         "steps_per_epoch": None}  # fmt: skip


def test_steady_part_scales_with_batches_and_epochs():
    # 0.5 s of fit setup, a 2 s warm-up inside epoch 1, then 1 s per 10-batch epoch.
    run = {"fit_seconds": 0.5 + 3.0 + 1.0 + 1.0, "epoch_seconds": [3.0, 1.0, 1.0]}
    assert predict.predict_fit_seconds(run, QUICK, SIZE) == pytest.approx(0.5 + 2.0 + 10 * 1.0 * 250 / 10)


def test_steady_epoch_is_the_median_of_later_epochs():
    run = {"fit_seconds": 10.0, "epoch_seconds": [4.0, 1.0, 9.0, 1.2, 1.1, 1.1]}
    settings = QUICK | {"epochs": 6}
    assert predict.predict_fit_seconds(run, settings, SIZE) == pytest.approx(0 + 2.9 + 10 * 1.1 * 25)


def test_article_size_runs_are_measured_not_predicted():
    paper = QUICK | {"train_samples": 25000, "epochs": 10}
    run = {"fit_seconds": 123.0, "epoch_seconds": [13.0] + [12.0] * 9}
    assert predict.at_article_size(paper, SIZE)
    assert predict.article_size_seconds(run, paper, SIZE) == 123.0
    assert not predict.at_article_size(QUICK, SIZE)


def test_shape_changes_cannot_be_predicted():
    assert predict.cannot_predict(QUICK, SIZE) is None
    assert "maxlen 40" in predict.cannot_predict(QUICK | {"maxlen": 40}, SIZE)
    assert "one epoch" in predict.cannot_predict(QUICK | {"epochs": 1}, SIZE)


def test_fixed_part_of_each_epoch_is_not_scaled():
    # Each 10-batch epoch: about 1.15 s of iterator setup plus 0.135 s per step.
    run = {"fit_seconds": 0.5 + 8.0, "epoch_seconds": [3.0, 2.5, 2.5], "step_seconds": [0.3, 0.135, 0.135]}
    first = 3.0 + 240 * 0.135
    steady = 2.5 + 240 * 0.135
    assert predict.predict_fit_seconds(run, QUICK, SIZE) == pytest.approx(0.5 + first + 9 * steady)


def test_steps_per_epoch_counts_the_batches_run_not_the_data_held():
    short = QUICK | {"train_samples": 25000, "steps_per_epoch": 10}
    run = {"fit_seconds": 8.5, "epoch_seconds": [3.0, 2.5, 2.5], "step_seconds": [0.3, 0.135, 0.135]}
    assert predict.predict_fit_seconds(run, short, SIZE) == predict.predict_fit_seconds(run, QUICK, SIZE)
    assert not predict.at_article_size(short | {"epochs": 10}, SIZE)
