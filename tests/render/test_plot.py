"""The forest plots draw what the judge decided: the bands are the claims' own ranges with the margin
applied, so a point's band agrees with its verdict; set-aside sets are greyed below a line; a run
set's figure names the models that did not run."""

import math

from helpers import ROOT
from hypothesis import assume, given
from hypothesis import strategies as st

from cudnn_repro import results
from cudnn_repro.judge.analysis import analyse, side
from cudnn_repro.judge.claims import ACCEPTED, MARGIN, RatioClaim, load_article
from cudnn_repro.judge.outcomes import INCONCLUSIVE, LARGER, NOT_REPRODUCED, REPRODUCED, SMALLER, TIE
from cudnn_repro.judge.reconcile import reconcile_all
from cudnn_repro.judge.stats import Estimate
from cudnn_repro.render import plot

ARTICLE = load_article()
RATIOS = [c for c in ARTICLE.claims if isinstance(c, RatioClaim)]


def zone_of(claim, value: float) -> str | None:
    """The drawn zone a value lies strictly inside, or None: beyond every zone (the figure's white)."""
    for low, high, what in claim.zones():
        if (low or 0.0) < value < (high or math.inf):
            return what
    return None


@given(claim=st.sampled_from(RATIOS), value=st.floats(0.05, 80.0), width=st.floats(1.0001, 1.001))
def test_a_narrow_interval_gets_the_verdict_of_the_zone_it_is_drawn_in(claim, value, width):
    """Green: reproduced. Hatched, for a direction ("GRU faster"): a tie, not reproduced; hatched for a
    band: inconclusive. White: not reproduced, larger or smaller. Read from the figure's own zones, so a
    zone drawn anywhere but where the verdict changes fails."""
    low, high = value / width, value * width
    zones = {zone_of(claim, low), zone_of(claim, high)}
    assume(len(zones) == 1)  # the interval sits inside one zone, not across an edge
    zone = zones.pop()
    verdict, direction = side(claim, Estimate(value, low, high, 3))
    if zone == ACCEPTED:
        assert verdict == REPRODUCED
    elif zone == MARGIN:
        assert (verdict, direction) == ((NOT_REPRODUCED, TIE.format(margin=claim.margin)) if claim.high is None
                                        else (INCONCLUSIVE, None))  # fmt: skip
    else:
        assert (verdict, direction) == (NOT_REPRODUCED, LARGER if value > claim.article_value else SMALLER)


@given(claim=st.sampled_from(RATIOS), centre=st.floats(0.5, 40.0), spread=st.floats(1.01, 3.0))
def test_an_interval_across_a_zone_edge_is_inconclusive(claim, centre, spread):
    low, high = centre / spread, centre * spread
    edges = [e for a, b, _ in claim.zones() for e in (a, b) if e is not None]
    assume(any(low < e < high for e in edges))
    verdict, _ = side(claim, Estimate(centre, low, high, 3))
    assert verdict == INCONCLUSIVE


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
