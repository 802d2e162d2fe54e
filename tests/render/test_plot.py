"""The forest plots draw what the judge decided: the bands are the claims' own ranges with the margin
applied, so a point's band agrees with its verdict; set-aside sets are greyed below a line; a run
set's figure names the models that did not run."""

import math

from helpers import ROOT
from hypothesis import given
from hypothesis import strategies as st

from cudnn_repro import results
from cudnn_repro.judge.analysis import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, analyse, side
from cudnn_repro.judge.claims import RatioClaim, load_article
from cudnn_repro.judge.reconcile import reconcile_all
from cudnn_repro.judge.stats import Estimate
from cudnn_repro.render import plot

ARTICLE = load_article()
RATIOS = [c for c in ARTICLE.claims if isinstance(c, RatioClaim)]


def within(low: float, high: float, span: tuple) -> bool:
    start, end = span[0] or 0.0, span[1] or math.inf
    return start <= low and high <= end


@given(
    claim=st.sampled_from(RATIOS),
    centre=st.floats(0.5, 40.0),
    spread=st.floats(1.0, 3.0),
)
def test_the_drawn_bands_are_the_verdicts_own(claim, centre, spread):
    """Inside the green band: reproduced; wholly inside the hatched margin of a direction: a tie, not
    reproduced; across an edge: inconclusive; beyond both: not reproduced."""
    low, high = centre / spread, centre * spread
    verdict, _ = side(claim, Estimate(centre, low, high, 3))
    spans = {what: (a, b) for a, b, what in plot.bands(claim) if what == "accepted"}
    accepted = within(low, high, spans["accepted"])
    refuted_low, refuted_high = claim.refuted()
    beyond = high < refuted_low or (refuted_high is not None and low > refuted_high)
    tie = claim.tie()
    within_tie = tie is not None and within(low, high, tie)
    assert (verdict == REPRODUCED) == accepted
    assert (verdict == NOT_REPRODUCED) == (beyond or within_tie)
    assert (verdict == INCONCLUSIVE) == (not accepted and not beyond and not within_tie)
    if claim.margin:  # the hatched zones are exactly what lies between accepted and refuted: the tie
        margins = [(a, b) for a, b, what in plot.bands(claim) if what == "margin"]
        assert margins[0] == (refuted_low, claim.accepted()[0]) == claim.tie()


def drawn(monkeypatch) -> list:
    """The figures save_figure was handed, their texts read before they are closed."""
    seen = []

    def keep(fig, path):
        seen.append([t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text"))])

    monkeypatch.setattr(plot, "save_figure", keep)
    return seen


def test_the_summary_greys_set_aside_sets_below_a_line_and_draws_no_empty_row(monkeypatch, tmp_path):
    sets = [(p.parent.name, analyse(results.load(p), ARTICLE)) for p in sorted((ROOT / "paper").rglob("results.json"))]
    reconciled = reconcile_all(ARTICLE, sets)
    rows = plot.summary_rows(reconciled[0])  # about 10x (LSTM): one counted H200 set, two set aside
    assert [(r.label, r.verdict is None, r.grey) for r in rows] == [
        ("NVIDIA H200, Keras 3 on PyTorch (Python loop)", True, False),
        ("h200-torch: predicted, 1 run", False, False),
        ("set aside, not counted (superseded method)", True, True),
        ("h100-jax: predicted, 3 runs", False, True),
        ("h100-torch: predicted, 2 runs", False, True),
    ]
    assert all(r.verdict.estimate is not None for rs in map(plot.summary_rows, reconciled) for r in rs if r.verdict)
    seen = drawn(monkeypatch)
    plot.plot_summary(reconciled, tmp_path / "summary.png")
    texts = " ".join(seen[0])
    assert "place: undecided" in texts and "indicative: not reproduced, larger than claimed: 152.03x" in texts
    assert "CuDNN LSTM trains in under 3 minutes" in texts  # the absolute time has its panel


def test_a_run_sets_figure_names_the_models_that_did_not_run(monkeypatch, tmp_path):
    analysis = analyse(results.load(ROOT / "paper" / "results.json"), ARTICLE)
    seen = drawn(monkeypatch)
    plot.plot_run_set(analysis, "paper", tmp_path / "figure.png")
    texts = " ".join(seen[0])
    assert "No time for CuDNNLSTM, CuDNNGRU (not run: this TensorFlow build has no CUDA support)" in texts
    plain = next(v for v in analysis.verdicts if v.claim.id == "gru_faster_plain")
    assert f"{plain.label}: {plain.estimate.point:.2f}x" in texts and "the margin: a tie when wholly inside" in texts
    # The interval's line is labelled by its real level: 97.5 % per look under the paper profile's stopping rule.
    assert "line: 97.5% t-interval per look (2 looks: 95% overall) (3+ runs)" in texts
