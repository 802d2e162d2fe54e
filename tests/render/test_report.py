"""Report rendering from recorded results files: content checks and a snapshot.

After an intended change to the report, refresh the snapshots with
`UPDATE_SNAPSHOTS=1 make test` and review their diff.
"""

import json
import os
import re

import matplotlib.image
import numpy as np
import pytest
from helpers import FIXTURES, ROOT, write_report, write_summary

from cudnn_repro import results
from cudnn_repro.judge.analysis import analyse, validate_prediction
from cudnn_repro.judge.claims import load_article
from cudnn_repro.judge.record import image_of
from cudnn_repro.render import plot
from cudnn_repro.render.environment import ran_in
from cudnn_repro.render.report import report_text, validation_section
from cudnn_repro.render.verdicts import VERDICTS_NAME

ARTICLE = load_article()


def check_snapshot(name: str, text: str) -> None:
    path = FIXTURES / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text)
    assert text == path.read_text()


def rendered(results: dict) -> str:
    return report_text(analyse(results, ARTICLE), ARTICLE)


def test_gpu_report_gives_verdicts_evidence_and_telemetry(gpu_results):
    report = rendered(gpu_results)
    assert "| CuDNN LSTM trains about 10 times faster than the existing LSTM    | 10.29x" in report
    assert "This run (predicted)" in report and "This run's article-size times are **predicted by" in report
    assert "scaling whole epochs of a 1,000-review run (unvalidated" in report
    assert "**indicative: not reproduced, larger than claimed**" in report and "range of 2 runs" in report
    assert "95 % bootstrap" not in report
    assert "cuDNN: `CudnnRnnBackward0` x2, `aten::_cudnn_rnn` x2" in report
    assert "plain loop: `aten::mm`" in report
    assert "NVIDIA H100 80GB HBM3" in report and "GPU telemetry (NVML" in report
    assert "TF32 not controlled" in report
    check_snapshot("h100-torch-report.md", report)


def test_cpu_report_says_what_could_not_be_verified(cpu_results):
    report = rendered(cpu_results)
    head, table = report.split("## Verdicts")
    assert head.count("**not verifiable**") == table.split("## ")[0].count("**not verifiable**") == 3
    assert head.count("**not applicable**") == 1  # the absolute time: hardware-bound, judged on a GTX 1060 only
    assert "Hardware: no GPU" in report and "None recorded (NVML unavailable" in report
    assert "Only 2 of the article's 4 models ran (LSTM, GRU)" in report
    assert "| 1780              |" in report  # the article's time stays beside this run's
    check_snapshot("cpu-quick-report.md", report)


def figure_texts(monkeypatch) -> list[list[str]]:
    """Every text of each figure plot.save_figure is handed, read before it is written."""
    seen = []
    save = plot.save_figure

    def keep(fig, path):
        seen.append([t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text"))])
        save(fig, path)

    monkeypatch.setattr(plot, "save_figure", keep)
    return seen


def drawn_png(path) -> bool:
    """A PNG that holds a drawing: many colours, not a blank canvas."""
    image = matplotlib.image.imread(path)
    return image.ndim == 3 and len(np.unique(image.reshape(-1, image.shape[2]), axis=0)) > 16


@pytest.mark.parametrize("fixture", ["gpu_results", "cpu_results"])
def test_write_report_draws_the_figure_and_writes_verdicts(tmp_path, request, fixture, monkeypatch):
    results = request.getfixturevalue(fixture)
    texts = figure_texts(monkeypatch)
    path, analysis = write_report(results, ARTICLE, tmp_path)
    assert path.read_text().count("![Each claim against its accepted range](figure.png)") == 1
    assert drawn_png(tmp_path / "figure.png") and len(texts) == 1
    drawn = " ".join(texts[0])
    for v in analysis.verdicts:  # a panel for each claim with a value, the others named below the panels
        assert (v.claim.text in drawn) == (v.estimate is not None)
        assert (v.estimate is None) == (f"{v.claim.short}: {v.label}" in drawn)
    footer = next((t for t in texts[0] if t.startswith("No time for ")), "")
    for name, m in analysis.models.items():  # each model that did not run is named, with why
        assert (m.unavailable is not None) == (re.search(rf"\b{name}\b", footer) is not None), (name, footer)
    records = json.loads((tmp_path / VERDICTS_NAME).read_text())
    assert records["claims_version"] == ARTICLE.version and records["version"] == 4
    assert set(records["place"]) == {"device", "stack", "plain_kernel"}
    assert [c["claim"] for c in records["claims"]] == [c.id for c in ARTICLE.claims]
    assert all(c["basis"] == "predicted" and c["verdict"] for c in records["claims"])


def test_quick_verdict_validation_against_a_paper_size_run(cpu_results):
    full = results.load(FIXTURES / "cpu-paper-lstm-results.json")
    validation = validate_prediction([full], [cpu_results], ARTICLE)
    text = validation_section(validation)
    (row,) = validation.rows  # GRU has no paper-size run to compare with
    assert row.model == "LSTM" and f"{row.error:+.1%}" in text
    assert row.error == pytest.approx(row.predicted.point / full["runs"][0]["fit_seconds"] - 1)
    assert "the quick verdict took" in text


def test_summary_reconciles_every_committed_run_set(tmp_path):
    paper = ROOT / "paper"
    path, _ = write_summary([paper], tmp_path, ARTICLE)
    text = path.read_text()
    for found in paper.rglob("results.json"):
        assert f"{found.parent.name}`" in text
    reconciled = [line for line in text.split("## Each claim, reconciled")[1].splitlines() if line.startswith("- *")]
    assert len(reconciled) == len(ARTICLE.claims)  # one reconciled line per claim
    assert "## The quick prediction, validated" in text
    assert drawn_png(tmp_path / "summary.png")


IMAGE = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("container", "long", "short"),
    [
        ({"in_container": False, "image_id": None}, "host", "host"),
        (
            {"in_container": True, "image_id": None},
            "a container this package did not start (image not recorded)",
            "other container",
        ),
        (
            {"in_container": True, "image_id": IMAGE, "image_base": "deb:12", "image_base_pinned": False},
            f"this package's image {IMAGE} (base deb:12, a stand-in for the pinned one)",
            "this package's image abababababab (stand-in base)",
        ),
        (
            {"in_container": True, "image_id": IMAGE, "image_base": "py@sha256:1", "image_base_pinned": True},
            f"this package's image {IMAGE} (pinned base py@sha256:1)",
            "this package's image abababababab (pinned base)",
        ),
        (  # run from an archive by an installed package: no Dockerfile to compare the base with
            {"in_container": True, "image_id": IMAGE, "image_base": "deb:12", "image_base_pinned": None},
            f"this package's image {IMAGE} (base deb:12, not compared with the pinned one)",
            "this package's image abababababab (base not compared)",
        ),
        (  # a file from before the base was recorded
            {"in_container": True, "image_id": IMAGE},
            f"this package's image {IMAGE} (base not recorded)",
            "this package's image abababababab (base not recorded)",
        ),
    ],
)
def test_ran_in_names_the_image_only_where_this_package_started_it(container, long, short):
    image = image_of({"image_digest": None} | container)
    assert (ran_in(image), ran_in(image, short=True)) == (long, short)


def test_a_cut_short_plan_is_said_and_counts_come_from_the_runs(gpu_results):
    report = report_text(analyse(gpu_results, load_article()), load_article())
    assert "Runs done per model: LSTM 3, GRU 2, CuDNNLSTM 2, CuDNNGRU 2, of 3 planned" in report
    assert "The plan was cut short: the file holds 9 of its 12 planned runs." in report
