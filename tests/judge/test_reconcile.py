"""Reconciling each claim across run sets: which way it missed, what is counted, what is set aside."""

import json
import re

import pytest
from helpers import ROOT

from cudnn_repro import errors
from cudnn_repro.commands.compare import compare
from cudnn_repro.judge import analysis, reconcile
from cudnn_repro.judge.analysis import (
    LARGER,
    MEASURED,
    NOT_REPRODUCED,
    NOT_VERIFIABLE,
    REPRODUCED,
    SMALLER,
    UNAVAILABLE,
    Analysis,
    Basis,
    Verdict,
)
from cudnn_repro.judge.claims import RatioClaim, load_article
from cudnn_repro.judge.stats import Estimate
from cudnn_repro.render.summary import write_summary

ARTICLE = load_article()
ABOUT_10X = RatioClaim("x", "about 10x", "About 10x", "LSTM", "CuDNNLSTM", 10.29, 5.0, 20.0, 0.0, "factor 2")


def run_set(verdict: str, value: float, n: int = 3, superseded: tuple[str, ...] = ()) -> Analysis:
    direction = analysis.miss(verdict, value, ABOUT_10X.article_value)
    v = Verdict(ABOUT_10X, verdict, "", Estimate(value, value * 0.9, value * 1.1, n), direction=direction)
    return Analysis({}, Basis(MEASURED, "measured"), [v], [], None, list(superseded))


def test_larger_and_smaller_than_claimed_are_different_outcomes_and_never_merged():
    larger = reconcile.reconcile(0, ABOUT_10X, [("a", run_set(NOT_REPRODUCED, 152.0))])
    smaller = reconcile.reconcile(0, ABOUT_10X, [("b", run_set(NOT_REPRODUCED, 0.94))])
    assert larger.outcome == f"not reproduced, {LARGER}" and smaller.outcome == f"not reproduced, {SMALLER}"
    both = reconcile.reconcile(
        0, ABOUT_10X, [("a", run_set(NOT_REPRODUCED, 152.0)), ("b", run_set(NOT_REPRODUCED, 0.9))]
    )
    assert both.outcome == reconcile.DEPENDS


def test_a_superseded_run_set_is_listed_with_its_reason_but_not_counted():
    sets = [
        ("old", run_set(NOT_REPRODUCED, 0.94, superseded=("TF32 not controlled",))),
        ("new", run_set(REPRODUCED, 10)),
    ]
    r = reconcile.reconcile(0, ABOUT_10X, sets)
    assert r.outcome == REPRODUCED and [j.run_set for j in r.counted] == ["new"]
    assert r.set_aside == [("old", ["TF32 not controlled"])]
    assert reconcile.exit_status([r]) == errors.OK


@pytest.mark.parametrize(
    ("sets", "outcome", "status"),
    [
        ([run_set(REPRODUCED, 10), run_set(REPRODUCED, 11)], REPRODUCED, errors.OK),
        ([run_set(REPRODUCED, 10), run_set(NOT_REPRODUCED, 40)], reconcile.DEPENDS, errors.SOME_NOT_REPRODUCED),
        ([run_set(NOT_REPRODUCED, 40, n=1)], reconcile.UNDECIDED_OUTCOME, errors.UNDECIDED),  # indicative only
        ([Analysis({}, Basis(UNAVAILABLE, "x"), [Verdict(ABOUT_10X, NOT_VERIFIABLE, "no GPU")], [], None)],
         NOT_VERIFIABLE, errors.UNDECIDED),
    ],
)  # fmt: skip
def test_outcome_and_compare_check_status(sets, outcome, status):
    r = reconcile.reconcile(0, ABOUT_10X, [(str(i), a) for i, a in enumerate(sets)])
    assert r.outcome == outcome and reconcile.exit_status([r]) == status


def test_the_committed_summary_leads_with_a_headline_per_claim_and_sets_the_h100_sets_aside(tmp_path):
    path, status = write_summary([ROOT / "paper"], tmp_path, ARTICLE)
    lines = path.read_text().splitlines()
    headlines = lines[2 : 2 + len(ARTICLE.claims)]  # right under the title, above every table
    assert [h.split(":")[0] for h in headlines] == [f"- {c.short}" for c in ARTICLE.claims]
    assert (
        "larger than claimed: 152.03x predicted on NVIDIA H200 with Keras 3 on PyTorch (1 run: indicative;"
        in (headlines[0])
    )
    assert "main confound: Keras 3's torch backend runs the plain LSTM as a Python loop" in headlines[0]
    aside = re.compile(
        r"Set aside, not counted \(superseded method, see below\): `\S*runs/h100-jax`, `\S*runs/h100-torch`"
    )
    assert all(aside.search(h) for h in headlines)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["schema"] == "cudnn-repro/summary" and summary["exit_status"] == status == errors.UNDECIDED
    first = summary["claims"][0]
    assert first["claim"] == "cudnn_lstm_speedup" and first["outcome"] == "undecided" and first["firm_run_sets"] == []
    assert {a["run_set"].rsplit("/", 1)[-1] for a in first["set_aside"]} == {"h100-jax", "h100-torch"}
    assert any("unvalidated" in reason for a in first["set_aside"] for reason in a["reasons"])
    h200 = next(c for c in first["counted"] if c["run_set"].endswith("runs/h200-torch"))
    assert h200["direction"] == LARGER and h200["firm"] is False and h200["n"] == 1


def test_compare_check_returns_the_documented_codes(tmp_path):
    assert compare([ROOT / "paper"], tmp_path, check=True) == errors.UNDECIDED
    assert compare([ROOT / "paper"], tmp_path, check=False) == 0
    assert compare([tmp_path / "nothing"], tmp_path, check=True) == 1


def test_a_report_leads_with_one_sentence_per_claim():
    text = (ROOT / "paper" / "runs" / "h200-torch" / "REPORT.md").read_text()
    head = text.split("## Verdicts")[0]
    assert head.count("\n- ") == len(ARTICLE.claims)
    assert "- About 10x faster (LSTM): **indicative: not reproduced, larger than claimed**: 152.03x predicted" in head
