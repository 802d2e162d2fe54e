"""Verdict maths on fixed inputs: bands, margins, indicative verdicts, confounds, exit codes."""

import pytest
from helpers import fake_analysis

from cudnn_repro import errors
from cudnn_repro.judge import analysis, outcomes, reconcile
from cudnn_repro.judge.analysis import Basis, ModelSummary, judge
from cudnn_repro.judge.claims import RatioClaim, TimeClaim, load_article
from cudnn_repro.settings import PROFILES

MEASURED = Basis(analysis.MEASURED, "measured at the article's size")
PREDICTED = Basis(analysis.PREDICTED, "predicted")

ARTICLE = load_article()
ABOUT_10X = RatioClaim("x", "about 10x", "About 10x", "LSTM", "CuDNNLSTM", 10.29, 5.0, 20.0, 0.0, "factor 2")
FASTER = RatioClaim("y", "GRU faster", "GRU faster", "LSTM", "GRU", 1.36, 1.0, None, 0.05, "direction")
UNDER_3_MIN = TimeClaim("z", "under 3 minutes", "Under 3 min", "CuDNNLSTM", 173, 180, "hardware-bound")
GPU = {"gpu": {"present": True, "name": "NVIDIA H200"}}


def models(steps: dict | None = None, **times: list[float]) -> dict[str, ModelSummary]:
    out = {}
    for name, values in times.items():
        m = ModelSummary(name, runs=[{"status": "ok"}] * len(values))
        m.article_size = dict(enumerate(values))
        m.steady_step = dict(enumerate((steps or {}).get(name, [])))
        out[name] = m
    return out


def test_claims_file_is_versioned_and_holds_the_articles_figures():
    assert ARTICLE.version >= 2
    assert ARTICLE.fit_seconds == {"LSTM": 1780, "GRU": 1306, "CuDNNLSTM": 173, "CuDNNGRU": 114}
    claims = {c.id: c for c in ARTICLE.claims}
    assert claims["cudnn_lstm_speedup"].article_value == pytest.approx(1780 / 173, abs=0.005)
    assert claims["cudnn_gru_speedup"].article_value == pytest.approx(1306 / 114, abs=0.005)
    assert "173 s / 114 s" in claims["gru_faster_cudnn"].derived and claims["cudnn_lstm_speedup"].derived is None
    assert isinstance(claims["cudnn_lstm_under_3_minutes"], TimeClaim)


def test_single_run_gives_only_an_indicative_verdict():
    v = judge(ABOUT_10X, models(LSTM=[100.0], CuDNNLSTM=[10.0]), MEASURED, GPU, ARTICLE)
    assert (v.verdict, v.estimate.point, v.indicative) == (outcomes.REPRODUCED, pytest.approx(10.0), True)
    assert v.label == "indicative: reproduced" and "single run" in v.detail


def test_interval_inside_outside_and_across_the_band():
    inside = judge(ABOUT_10X, models(LSTM=[100, 101, 99], CuDNNLSTM=[10, 10.2, 9.9]), MEASURED, GPU, ARTICLE)
    assert inside.label == outcomes.REPRODUCED and inside.estimate.low <= inside.estimate.point <= inside.estimate.high
    outside = judge(ABOUT_10X, models(LSTM=[100, 101, 99], CuDNNLSTM=[1, 1.1, 0.9]), MEASURED, GPU, ARTICLE)
    assert outside.label == f"{outcomes.NOT_REPRODUCED}, {outcomes.LARGER}" and outside.estimate.low > 20
    across = judge(FASTER, models(LSTM=[10, 12, 8], GRU=[11, 9, 10]), MEASURED, GPU, ARTICLE)
    assert across.verdict == outcomes.INCONCLUSIVE


def test_a_direction_wholly_within_the_margin_is_a_tie_and_across_its_edge_inconclusive():
    """The equivalence test's answer (TOST): the whole interval within 5 % of a tie is a firm "not
    reproduced: a tie", counted like any firm verdict; one that crosses the margin's edge is not."""
    tie = judge(FASTER, models(LSTM=[103, 103.5, 102.5], GRU=[100, 100, 100]), MEASURED, GPU, ARTICLE)
    assert tie.estimate.low > 1 and tie.estimate.high < 1.05
    assert (tie.verdict, tie.direction, tie.decided) == (outcomes.NOT_REPRODUCED, "a tie (within 5%)", True)
    assert tie.label == "not reproduced, a tie (within 5%)"
    edge = judge(FASTER, models(LSTM=[103, 106, 100], GRU=[100, 100, 100]), MEASURED, GPU, ARTICLE)
    assert edge.estimate.high > 1.05 and edge.verdict == outcomes.INCONCLUSIVE
    clear = judge(FASTER, models(LSTM=[120, 121, 119], GRU=[100, 100, 100]), MEASURED, GPU, ARTICLE)
    assert clear.verdict == outcomes.REPRODUCED


def test_one_noisy_run_cannot_refute_a_direction():
    """The committed CPU paper run: GRU lost 0.94x on whole fits through epoch-start stalls,
    while its steady steps were faster. Neither a firm nor an indicative refutation may follow."""
    noisy = models(steps={"LSTM": [0.1271], "GRU": [0.1227]}, LSTM=[338.3], GRU=[360.2])
    v = judge(FASTER, noisy, MEASURED, GPU, ARTICLE)
    assert v.verdict == outcomes.INCONCLUSIVE and "steady per-step ratio 1.04x does not agree" in v.detail
    assert v.step_ratio.point == pytest.approx(0.1271 / 0.1227)


def test_predicted_ratios_are_widened_by_the_validated_ratio_error(monkeypatch):
    """Per step (the quick profile): by the ratio's own validated error, not the fit time's; by scaling whole
    epochs (never validated): by the bound the fit time's error puts on a ratio."""
    monkeypatch.setattr(analysis.predict, "validated_error", lambda: 0.3)
    monkeypatch.setattr(analysis.predict, "validated_ratio_error", lambda: 0.1)
    quick = PROFILES["quick"].to_dict()
    assert analysis.predict.widening(quick) == pytest.approx((1.3, 1.1))
    for other in ({"steps_per_epoch": None}, {"steps_per_epoch": 10}):  # scaled whole epochs; an older profile
        assert analysis.predict.widening(quick | other) == pytest.approx((1.3, 1.3 / 0.7))
    runs = models(LSTM=[100, 101, 99], CuDNNLSTM=[10, 10.2, 9.9])
    measured = judge(ABOUT_10X, runs, MEASURED, GPU, ARTICLE)
    predicted = judge(ABOUT_10X, runs, analysis.basis_of(quick, ARTICLE.size), GPU, ARTICLE)
    assert predicted.estimate.low == pytest.approx(measured.estimate.low / 1.1)
    assert predicted.estimate.high == pytest.approx(measured.estimate.high * 1.1)
    assert "widened x1.10" in predicted.detail


def test_missing_or_unrun_model_is_not_verifiable():
    unrun = models(LSTM=[100.0], CuDNNLSTM=[])
    unrun["CuDNNLSTM"].unavailable = "not run: no CUDA GPU visible to TensorFlow"
    v = judge(ABOUT_10X, unrun, MEASURED, GPU, ARTICLE)
    assert v.verdict == outcomes.NOT_VERIFIABLE and "no CUDA GPU" in v.detail and v.estimate is None
    assert judge(ABOUT_10X, models(LSTM=[1.0]), MEASURED, GPU, ARTICLE).verdict == outcomes.NOT_VERIFIABLE
    v = judge(
        ABOUT_10X,
        models(LSTM=[1.0], CuDNNLSTM=[1.0]),
        Basis(analysis.UNAVAILABLE, "its maxlen 40 differs"),
        GPU,
        ARTICLE,
    )
    assert v.verdict == outcomes.NOT_VERIFIABLE and "maxlen" in v.detail


def test_absolute_time_is_judged_only_on_the_articles_gpu_class():
    fast = models(CuDNNLSTM=[30.0, 31.0, 29.0])
    fast["CuDNNLSTM"].size_estimate = analysis.estimate([30.0, 31.0, 29.0])
    elsewhere = judge(UNDER_3_MIN, fast, MEASURED, GPU, ARTICLE)
    assert elsewhere.verdict == outcomes.NOT_APPLICABLE and "NVIDIA H200" in elsewhere.detail
    assert elsewhere.estimate.point == pytest.approx(30.0, rel=0.01)  # the time is shown, not judged
    no_gpu = judge(UNDER_3_MIN, models(), MEASURED, {"gpu": {"present": False}}, ARTICLE)
    assert no_gpu.verdict == outcomes.NOT_APPLICABLE and "no GPU" in no_gpu.detail and no_gpu.estimate is None
    pascal = {"gpu": {"present": True, "name": "NVIDIA GeForce GTX 1060 6GB"}}
    assert judge(UNDER_3_MIN, fast, MEASURED, pascal, ARTICLE).verdict == outcomes.REPRODUCED


@pytest.mark.parametrize(
    ("labels", "status"),
    [
        ([(outcomes.REPRODUCED, 3)] * 2, errors.OK),
        ([(outcomes.REPRODUCED, 3), (outcomes.NOT_REPRODUCED, 3)], errors.SOME_NOT_REPRODUCED),
        ([(outcomes.REPRODUCED, 3), (outcomes.NOT_REPRODUCED, 1)], errors.SOME_UNDECIDED),
        ([(outcomes.REPRODUCED, 3), (outcomes.NOT_VERIFIABLE, None)], errors.SOME_UNDECIDED),
        ([(outcomes.REPRODUCED, 3), (outcomes.NOT_APPLICABLE, 3)], errors.OK),  # hardware-bound: not held against
    ],
)
def test_check_exit_status(labels, status):
    from cudnn_repro.judge.stats import Estimate

    made = [
        analysis.Verdict(ABOUT_10X, verdict, "", None if n is None else Estimate(10.0, 9.0, 11.0, n))
        for verdict, n in labels
    ]
    assert reconcile.run_set_status(fake_analysis(made)) == status


def test_noisy_spread_and_stalls_are_warned(cpu_results):
    runs = cpu_results["runs"]
    noisy = [dict(runs[0], repeat=0, fit_seconds=10.0, load_average=[1.02, 1.0, 0.9]),
             dict(runs[0], repeat=1, fit_seconds=13.0, load_average=[3.5, 2.0, 1.0])]  # fmt: skip
    noisy[1]["epoch_setup_seconds"] = [0.5, 0.4, 9.4]
    cpu_results["runs"] = noisy + runs[1:]
    cpu_results["settings"]["repeats"] = 2
    warnings = [w.message for w in analysis.analyse(cpu_results, ARTICLE).warnings]
    assert any("LSTM: fit times spread 26%" in w and "at each fit's end: 1.02, 3.5." in w for w in warnings)
    assert any("LSTM: 1 epoch-start stall(s), 9.0 s" in w for w in warnings)
    assert any("below 3, ratios get a range" in w for w in warnings)
