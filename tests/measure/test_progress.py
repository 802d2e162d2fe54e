"""Progress arithmetic: the clock's format and the time left in a plan."""

import pytest

from cudnn_repro.measure.progress import clock, plan_left

CUDNN = {"LSTM": False, "GRU": False, "CuDNNLSTM": True, "CuDNNGRU": True}


def test_clock_is_hours_minutes_seconds():
    assert [clock(s) for s in (0, 59.6, 61, 3600, 2950, 36000 + 7)] == [
        "0:00:00",
        "0:01:00",
        "0:01:01",
        "1:00:00",
        "0:49:10",
        "10:00:07",
    ]


def test_plan_left_uses_each_models_runs_then_its_probe_then_its_kind():
    fits = {"LSTM": [100.0, 120.0], "CuDNNLSTM": [10.0]}
    assert plan_left(["LSTM", "GRU", "CuDNNGRU"], fits, CUDNN, {}) == pytest.approx(110 + 110 + 10)
    assert plan_left(["LSTM", "GRU"], fits, CUDNN, {"LSTM": 1.0, "GRU": 90.0}) == pytest.approx(110 + 90)
    assert plan_left([], fits, CUDNN, {}) == 0
    assert plan_left(["CuDNNGRU"], {"LSTM": [100.0]}, CUDNN, {}) is None  # no cuDNN model has run yet
