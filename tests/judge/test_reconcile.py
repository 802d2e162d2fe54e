"""Reconciling each claim by place, then across places: which way it missed, which run set is the most
direct evidence, where it was never tried, what is counted and set aside, and what `--check` exits."""

import json
import re

import pytest
from helpers import ROOT, fake_analysis, write_summary

from cudnn_repro import errors
from cudnn_repro.commands.compare import compare
from cudnn_repro.judge import analysis, outcomes, reconcile
from cudnn_repro.judge.analysis import PREDICTED, UNAVAILABLE, Basis, Verdict
from cudnn_repro.judge.claims import RatioClaim, TimeClaim, load_article
from cudnn_repro.judge.outcomes import LARGER, NOT_APPLICABLE, NOT_REPRODUCED, NOT_VERIFIABLE, REPRODUCED, SMALLER
from cudnn_repro.judge.places import CPU, Place
from cudnn_repro.judge.stats import Estimate
from cudnn_repro.results import ResultsError

ARTICLE = load_article()
ABOUT_10X = RatioClaim("x", "about 10x", "About 10x", "LSTM", "CuDNNLSTM", 10.29, 5.0, 20.0, 0.0, "factor 2")
CUDNN_PAIR = RatioClaim("c", "GRU faster", "GRU faster", "CuDNNLSTM", "CuDNNGRU", 1.52, 1.0, None, 0.05, "d")
UNDER_3_MIN = TimeClaim("z", "under 3 minutes", "Under 3 min", "CuDNNLSTM", 173, 180, "hardware-bound")
H200_EAGER = Place("NVIDIA H200", "Keras 3 on PyTorch", "eager")
H200_GRAPH = Place("NVIDIA H200", "Keras 3 on TensorFlow", "graph")
GTX_1060 = Place("NVIDIA GeForce GTX 1060 6GB", "tf_keras (Keras 2) on TensorFlow", "graph")
MEASURED_BASIS, PREDICTED_BASIS = Basis(analysis.MEASURED, "measured"), Basis(PREDICTED, "predicted")


def run_set(verdict: str, value: float, n: int = 3, place: Place = H200_GRAPH, claim=ABOUT_10X, spread=1.1,
            basis=MEASURED_BASIS, superseded: tuple[str, ...] = ()):  # fmt: skip
    direction = analysis.miss(verdict, value, claim.article_value)
    v = Verdict(claim, verdict, "", Estimate(value, value / spread, value * spread, n), direction=direction)
    return fake_analysis([v], basis, place, superseded)


def test_larger_and_smaller_than_claimed_are_different_outcomes_and_never_merged():
    larger = reconcile.reconcile(0, ABOUT_10X, [("a", run_set(NOT_REPRODUCED, 152.0))], ARTICLE)
    smaller = reconcile.reconcile(0, ABOUT_10X, [("b", run_set(NOT_REPRODUCED, 0.94))], ARTICLE)
    assert larger.outcome == f"not reproduced, {LARGER}" and smaller.outcome == f"not reproduced, {SMALLER}"
    one_place = [("a", run_set(NOT_REPRODUCED, 152.0)), ("b", run_set(NOT_REPRODUCED, 0.9))]
    both = reconcile.reconcile(0, ABOUT_10X, one_place, ARTICLE)
    assert both.places[0].outcome == outcomes.CONFLICTING and both.outcome == outcomes.DEPENDS
    two_places = [("a", run_set(NOT_REPRODUCED, 152.0, place=H200_EAGER)), ("b", run_set(REPRODUCED, 10))]
    where = reconcile.reconcile(0, ABOUT_10X, two_places, ARTICLE)
    assert where.outcome == outcomes.DEPENDS
    assert [(p.place, p.outcome) for p in where.places] == [
        (H200_GRAPH, REPRODUCED), (H200_EAGER, f"not reproduced, {LARGER}")
    ]  # fmt: skip


def test_a_superseded_run_set_is_listed_with_its_reason_but_not_counted():
    sets = [
        ("old", run_set(NOT_REPRODUCED, 0.94, superseded=("TF32 not controlled",))),
        ("new", run_set(REPRODUCED, 10)),
    ]
    r = reconcile.reconcile(0, ABOUT_10X, sets, ARTICLE)
    assert r.outcome == REPRODUCED and [j.run_set for j in r.counted] == ["new"]
    assert [(j.run_set, why) for j, why in r.set_aside] == [("old", ["TF32 not controlled"])]
    assert reconcile.exit_status([r]) == errors.OK


@pytest.mark.parametrize(
    ("sets", "outcome", "status"),
    [
        ([run_set(REPRODUCED, 10), run_set(REPRODUCED, 11)], REPRODUCED, errors.OK),
        ([run_set(REPRODUCED, 10), run_set(NOT_REPRODUCED, 40, place=H200_EAGER)], outcomes.DEPENDS,
         errors.SOME_NOT_REPRODUCED),
        ([run_set(NOT_REPRODUCED, 40, n=1)], outcomes.UNDECIDED, errors.SOME_UNDECIDED),  # indicative only
        ([fake_analysis([Verdict(ABOUT_10X, NOT_VERIFIABLE, "no GPU")], Basis(UNAVAILABLE, "x"))],
         NOT_VERIFIABLE, errors.SOME_UNDECIDED),
        ([fake_analysis([Verdict(UNDER_3_MIN, NOT_APPLICABLE, "hardware-bound")])], NOT_APPLICABLE, errors.OK),
    ],
)  # fmt: skip
def test_outcome_and_compare_check_status(sets, outcome, status):
    claim = sets[0].verdicts[0].claim
    r = reconcile.reconcile(0, claim, [(str(i), a) for i, a in enumerate(sets)], ARTICLE)
    assert r.outcome == outcome and reconcile.exit_status([r]) == status


def test_the_most_direct_evidence_is_measured_at_the_articles_size_before_a_firmer_quick_prediction():
    """The committed H200 case: a measured article-size set of 2 runs names the place over a predicted
    quick set of 3, whatever their order on disk; then firm before not, narrower, more runs."""
    quick = run_set(NOT_REPRODUCED, 0.5, claim=CUDNN_PAIR, basis=PREDICTED_BASIS)
    quick.article_share = 0.012
    paper = run_set(analysis.INCONCLUSIVE, 0.83, n=2, claim=CUDNN_PAIR)
    r = reconcile.reconcile(0, CUDNN_PAIR, [("quick", quick), ("paper", paper)], ARTICLE)
    assert [j.run_set for j in r.places[0].judged] == ["paper", "quick"]
    # the outcome is the firm one, and the run set named for it is the one that supports it
    assert r.places[0].outcome == f"not reproduced, {SMALLER}" and r.places[0].evidence.run_set == "quick"
    narrow, wider = run_set(REPRODUCED, 10, spread=1.1), run_set(REPRODUCED, 10, n=5, spread=1.2)
    r = reconcile.reconcile(0, ABOUT_10X, [("wider", wider), ("narrow", narrow)], ARTICLE)
    assert r.places[0].evidence.run_set == "narrow"  # the narrower interval before more runs
    same = run_set(REPRODUCED, 10, n=5, spread=1.1)
    r = reconcile.reconcile(0, ABOUT_10X, [("narrow", narrow), ("more", same)], ARTICLE)
    assert r.places[0].evidence.run_set == "more"  # as narrow: more runs decide


def test_a_set_whose_plain_kernel_is_not_the_articles_kind_never_comes_before_one_whose_kernel_is():
    eager = run_set(analysis.INCONCLUSIVE, 150, place=H200_EAGER)
    graph = run_set(analysis.INCONCLUSIVE, 12, n=1, place=H200_GRAPH, basis=PREDICTED_BASIS)
    r = reconcile.reconcile(0, ABOUT_10X, [("eager", eager), ("graph", graph)], ARTICLE)
    assert [p.place.kernel for p in r.places] == ["graph", "eager"]
    # for a claim about the cuDNN pair alone, the plain kernel does not matter: measured comes first
    eager, graph = (run_set(analysis.INCONCLUSIVE, 1.0, place=p, claim=CUDNN_PAIR) for p in (H200_EAGER, H200_GRAPH))
    graph.basis = PREDICTED_BASIS
    r = reconcile.reconcile(0, CUDNN_PAIR, [("graph", graph), ("eager", eager)], ARTICLE)
    assert [p.place.kernel for p in r.places] == ["eager", "graph"]


def test_where_a_claim_was_never_tried():
    eager = reconcile.reconcile(0, ABOUT_10X, [("a", run_set(REPRODUCED, 10, place=H200_EAGER))], ARTICLE)
    assert eager.never_tried == [reconcile.Untried(ARTICLE.gpu, None), reconcile.Untried("any GPU", "graph")]
    graph = reconcile.reconcile(0, ABOUT_10X, [("a", run_set(REPRODUCED, 10))], ARTICLE)
    assert graph.never_tried == [reconcile.Untried(ARTICLE.gpu, None)]
    pascal = reconcile.reconcile(0, ABOUT_10X, [("a", run_set(REPRODUCED, 10, place=GTX_1060))], ARTICLE)
    assert pascal.never_tried == []
    cpu = Place(CPU, "Keras 3 on TensorFlow", "graph")
    unrun = fake_analysis([Verdict(ABOUT_10X, NOT_VERIFIABLE, "CuDNNLSTM not run")], place=cpu)
    nowhere = reconcile.reconcile(0, ABOUT_10X, [("cpu", unrun)], ARTICLE)
    assert nowhere.outcome == NOT_VERIFIABLE and len(nowhere.never_tried) == 2


def test_claims_names_the_claims_that_gate():
    firm = reconcile.reconcile(0, ABOUT_10X, [("a", run_set(REPRODUCED, 10))], ARTICLE)
    unsure = reconcile.reconcile(0, CUDNN_PAIR, [("a", run_set(analysis.INCONCLUSIVE, 1.0, claim=CUDNN_PAIR))],
                                 ARTICLE)  # fmt: skip
    assert reconcile.exit_status([firm, unsure]) == errors.SOME_UNDECIDED
    assert reconcile.exit_status([firm, unsure], frozenset({"x"})) == errors.OK


def test_the_committed_summary_answers_each_claim_by_place(tmp_path):
    path, status = write_summary([ROOT / "paper"], tmp_path, ARTICLE)
    lines = path.read_text().splitlines()
    n = len(ARTICLE.claims)
    table, headlines = lines[2 : 4 + n], lines[5 + n : 5 + 2 * n]  # the claims table under the title, then a line each
    assert table[0].startswith("| Claim ") and [r.split("|")[1].strip() for r in table[2:]] == [
        c.short for c in ARTICLE.claims
    ]
    assert [h.split(":")[0] for h in headlines] == [f"- {c.short}" for c in ARTICLE.claims]
    first = headlines[0]
    place = (
        r"\*\*undecided\*\* on NVIDIA H200 with Keras 3 on PyTorch \(plain kernel: Python loop; `\S*runs/h200-torch`:"
    )
    assert re.search(place, first)
    assert "**not verifiable** (a model it needs did not run) on CPU with" in first
    assert "never tried on the article's GeForce GTX 1060 6GB, nor on any GPU with a compiled graph loop" in first
    assert "**not applicable**" in headlines[1]
    # the measured article-size set, not the predicted quick one, names the H200 place for the cuDNN pair
    assert re.search(r"\(`\S*runs/h200-torch-cudnn-paper`: inconclusive, 0.83x measured, 2 runs", headlines[4])
    assert all(re.search(r"Not counted \(superseded method\): `\S*runs/h100-jax`, `\S*runs/h100-torch`", h)
               for h in headlines)  # fmt: skip
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["schema"] == "cudnn-repro/summary" and summary["version"] == 3
    assert summary["exit_status"] == status == errors.SOME_UNDECIDED
    claim = summary["claims"][0]
    assert claim["claim"] == "cudnn_lstm_speedup" and claim["outcome"] == "undecided"
    h200 = next(p for p in claim["places"] if p["device"] == "NVIDIA H200")
    assert (
        h200["plain_kernel"] == "eager" and h200["outcome"] == "undecided" and h200["evidence"].endswith("h200-torch")
    )
    assert claim["never_tried"] == [{"device": ARTICLE.gpu, "plain_kernel": None},
                                    {"device": "any GPU", "plain_kernel": "graph"}]  # fmt: skip
    assert {a["run_set"].rsplit("/", 1)[-1] for a in claim["set_aside"]} == {"h100-jax", "h100-torch"}


def test_compare_check_returns_the_documented_codes(tmp_path):
    assert compare([ROOT / "paper"], tmp_path, check=True) == errors.SOME_UNDECIDED
    assert compare([ROOT / "paper"], tmp_path, check=True, claims=frozenset({"cudnn_lstm_under_3_minutes"})) == 0
    assert compare([ROOT / "paper"], tmp_path, check=False) == 0
    with pytest.raises(ResultsError, match="nothing: no such file or folder"):  # exit 1 at cli's boundary
        compare([tmp_path / "nothing"], tmp_path, check=True)


def test_a_report_leads_with_one_sentence_per_claim():
    text = (ROOT / "paper" / "runs" / "h200-torch" / "REPORT.md").read_text()
    head = text.split("## Verdicts")[0]
    assert head.count("\n- ") == len(ARTICLE.claims)
    assert "- About 10x faster (LSTM): **indicative: not reproduced, larger than claimed**: 152.03x predicted" in head
    assert (
        "(plain kernel: Python loop; 1 run: indicative; main confound: Keras 3 on PyTorch runs the plain LSTM" in head
    )
