"""Report rendering from recorded results files: content checks and a snapshot.

After an intended change to the report, refresh the snapshots with
`UPDATE_SNAPSHOTS=1 make test` and review their diff.
"""

import json
import os

import pytest
from helpers import FIXTURES

from cudnn_repro.analysis import analyse
from cudnn_repro.claims import load_article
from cudnn_repro.report import render, validation_section, write_report


def check_snapshot(name: str, text: str) -> None:
    path = FIXTURES / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text)
    assert text == path.read_text()


def test_gpu_report_gives_verdicts_evidence_and_telemetry(gpu_results):
    report = render(gpu_results, load_article())
    assert "| CuDNN LSTM trains about 10 times faster than the existing LSTM    | 10.29x" in report
    assert "**not reproduced** | predicted, 95 % bootstrap interval" in report
    assert "cuDNN: `CudnnRnnBackward0` x2, `aten::_cudnn_rnn` x2" in report
    assert "plain loop: `aten::mm`" in report
    assert "NVIDIA H100 80GB HBM3" in report and "GPU telemetry (NVML" in report
    assert "Verdicts use article-size times predicted from a short run" in report
    check_snapshot("h100-torch-report.md", report)


def test_cpu_report_says_what_could_not_be_verified(cpu_results):
    report = render(cpu_results, load_article())
    assert report.count("**not verifiable**") == 3
    assert "Hardware: no GPU" in report and "None recorded (NVML unavailable" in report
    assert "| 1780              |" in report  # the article's time stays beside the measured one
    check_snapshot("cpu-quick-report.md", report)


@pytest.mark.parametrize("fixture", ["gpu_results", "cpu_results"])
def test_write_report_draws_the_figure(tmp_path, request, fixture):
    path = write_report(request.getfixturevalue(fixture), load_article(), tmp_path)
    assert path.read_text().count("![Article vs measured fit times](figure.png)") == 1
    assert (tmp_path / "figure.png").stat().st_size > 1000


def test_quick_verdict_validation_against_a_paper_size_run(cpu_results):
    full = json.loads((FIXTURES / "cpu-paper-lstm-results.json").read_text())
    text = validation_section(full, cpu_results, load_article())
    predicted = analyse(cpu_results, load_article()).models["LSTM"].basis[0]
    measured = full["runs"][0]["fit_seconds"]
    assert f"| LSTM    | {predicted:.1f}" in text and f"| {measured:.1f}" in text
    assert f"{predicted / measured:.3f}" in text
    assert "GRU" not in text.split("Error")[1]  # GRU has no paper-size run to compare with
    assert "the quick verdict took" in text
