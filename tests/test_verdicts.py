"""Interval and verdict maths on fixed inputs."""

import pytest

from cudnn_repro import analysis, stats
from cudnn_repro.analysis import ModelSummary, judge
from cudnn_repro.claims import Claim, load_article

ABOUT_10X = Claim("x", "about 10x", "LSTM", "CuDNNLSTM", 10.29, 5.0, 20.0, "factor 2")
FASTER = Claim("y", "GRU faster", "LSTM", "GRU", 1.36, 1.0, None, "direction")


def models(**basis: list[float]) -> dict[str, ModelSummary]:
    return {name: ModelSummary(name, runs=[{"status": "ok"}] * len(v), basis=v) for name, v in basis.items()}


def test_claims_file_holds_the_articles_figures():
    article = load_article()
    assert article.fit_seconds == {"LSTM": 1780, "GRU": 1306, "CuDNNLSTM": 173, "CuDNNGRU": 114}
    ratios = {c.id: c.article_ratio for c in article.claims}
    assert ratios["cudnn_lstm_speedup"] == pytest.approx(1780 / 173, abs=0.005)
    assert ratios["cudnn_gru_speedup"] == pytest.approx(1306 / 114, abs=0.005)
    assert all(c.low is not None for c in article.claims)


def test_single_run_uses_the_point_and_says_so():
    v = judge(ABOUT_10X, models(LSTM=[100.0], CuDNNLSTM=[10.0]), "measured")
    assert (v.verdict, v.ratio, v.low) == (analysis.REPRODUCED, 10.0, None)
    assert "single run" in v.detail
    assert judge(ABOUT_10X, models(LSTM=[300.0], CuDNNLSTM=[10.0]), "measured").verdict == analysis.NOT_REPRODUCED


def test_interval_inside_outside_and_across_the_band():
    inside = judge(ABOUT_10X, models(LSTM=[100, 101, 99], CuDNNLSTM=[10, 10.2, 9.9]), "measured")
    assert inside.verdict == analysis.REPRODUCED and inside.low <= inside.ratio <= inside.high
    outside = judge(ABOUT_10X, models(LSTM=[100, 101, 99], CuDNNLSTM=[1, 1.1, 0.9]), "predicted")
    assert outside.verdict == analysis.NOT_REPRODUCED and outside.low > 20
    across = judge(FASTER, models(LSTM=[10, 12, 8], GRU=[11, 9, 10]), "measured")
    assert across.verdict == analysis.INCONCLUSIVE and across.low < 1 < across.high


def test_missing_or_unrun_model_is_not_verifiable():
    unrun = models(LSTM=[100.0], CuDNNLSTM=[])
    unrun["CuDNNLSTM"].unavailable = "not run: no CUDA GPU visible to TensorFlow"
    v = judge(ABOUT_10X, unrun, "measured")
    assert v.verdict == analysis.NOT_VERIFIABLE and "no CUDA GPU" in v.detail and v.ratio is None
    assert judge(ABOUT_10X, models(LSTM=[1.0]), "measured").verdict == analysis.NOT_VERIFIABLE
    v = judge(ABOUT_10X, models(LSTM=[1.0], CuDNNLSTM=[1.0]), "none: its maxlen 40 differs")
    assert v.verdict == analysis.NOT_VERIFIABLE and "maxlen" in v.detail


def test_bootstrap_is_deterministic_and_brackets_the_median():
    values = [10.0, 11.0, 12.0, 30.0]
    assert stats.median_interval(values) == stats.median_interval(values)
    point, low, high = stats.median_interval(values)
    assert point == 11.5 and low >= 10.0 and high <= 30.0
    assert stats.median_interval([5.0]) == (5.0, None, None)
    assert stats.ratio_interval([4.0], [2.0]) == (2.0, None, None)


def test_noisy_spread_is_warned(cpu_results):
    runs = cpu_results["runs"]
    noisy = [dict(runs[0], repeat=0, fit_seconds=10.0), dict(runs[0], repeat=1, fit_seconds=13.0)]
    cpu_results["runs"] = noisy + runs[1:]
    cpu_results["settings"]["repeats"] = 2
    warnings = analysis.analyse(cpu_results, load_article()).warnings
    assert any("LSTM: fit times spread 26%" in w.message for w in warnings)
