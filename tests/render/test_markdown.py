"""Reports and summaries from hostile text: every table keeps its columns, no heading or HTML
comes from a results file, a task file or a run folder's name."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import FIXTURES, ROOT, write_report, write_summary
from hypothesis import given
from hypothesis import strategies as st

from cudnn_repro import results, task_status
from cudnn_repro.judge.claims import load_article
from cudnn_repro.render.markdown import code, escape

HOSTILE = "x | y\n# Heading <script>alert(1)</script> `z` [a](http://b) \\"
HOSTILE_FOLDER = "run | <b>x</b> `#`"
TAG = re.compile(r"<[A-Za-z/!?]")


def cells(line: str) -> int:
    """Cells of a GFM table row: pipes not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line)) - 1


def tables_keep_their_columns(text: str) -> None:
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            assert len({cells(row) for row in block}) == 1, "\n".join(block)
        block = []


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def poison(doc, path: Path) -> dict:
    """Every string value and free key made hostile wherever the file stays valid."""
    doc = json.loads(json.dumps(doc))

    def valid(candidate) -> bool:
        path.write_text(json.dumps(candidate))
        try:
            results.load(path)
        except results.ResultsError:
            return False
        return True

    def visit(holder, key):
        value = holder[key]
        if isinstance(value, str):
            holder[key] = HOSTILE
            if not valid(doc):
                holder[key] = value
        elif isinstance(value, dict):
            for k in list(value):
                visit(value, k)
            for k in list(value):
                value[HOSTILE + k] = value.pop(k)
                if not valid(doc):
                    value[k] = value.pop(HOSTILE + k)
        elif isinstance(value, list):
            for i in range(len(value)):
                visit(value, i)

    for key in list(doc):
        visit(doc, key)
    path.write_text(json.dumps(doc))
    return doc


def render_both(doc: dict, tmp: Path) -> tuple[str, str]:
    run_dir = tmp / "runs" / HOSTILE_FOLDER
    run_dir.mkdir(parents=True)
    data = poison(doc, run_dir / results.RESULTS_NAME) if doc else None
    report = (
        write_report(results.load(run_dir / results.RESULTS_NAME), load_article(), run_dir)[0].read_text()
        if data
        else ""
    )
    return report, write_summary([tmp / "runs"], tmp, load_article())[0].read_text()


def test_hostile_results_files_render_as_plain_text(tmp_path):
    for i, name in enumerate(["h100-torch-results.json", "cpu-quick-results.json"]):
        doc = json.loads((FIXTURES / name).read_text())
        report, summary = render_both(doc, tmp_path / str(i))
        assert report.count(HOSTILE.split("\n")[0].replace("|", "\\|")) > 5  # the text is there, escaped
        for text in (report, summary):
            tables_keep_their_columns(text)
            assert not TAG.search(text)
            assert all(h.startswith(("# Summary", "# Reproduction", "## ")) for h in headings(text)), headings(text)
            assert not any("Heading" in h for h in headings(text))


def test_a_hostile_task_file_and_folder_name_stay_in_their_line(tmp_path):
    run_dir = tmp_path / "runs" / HOSTILE_FOLDER
    run_dir.mkdir(parents=True)
    task_status.record(run_dir, task_status.FAILED, exit_code=1, reason=HOSTILE)
    good = tmp_path / "runs" / "good"
    good.mkdir()
    (good / results.RESULTS_NAME).write_text((ROOT / "tests" / "fixtures" / "cpu-quick-results.json").read_text())
    summary = write_summary([tmp_path / "runs"], tmp_path, load_article())[0].read_text()
    tables_keep_their_columns(summary)
    assert not TAG.search(summary)
    missing = [line for line in summary.splitlines() if "failed (exit 1)" in line]
    assert len(missing) == 1 and missing[0].startswith("- ")


@given(st.text())
def test_escaped_text_is_one_line_with_no_cell_border_or_tag(text):
    for made in (escape(text), code(text)):
        assert "\n" not in made and "\r" not in made
        assert cells(f"| {made} |") == 1
        assert not TAG.search(made)
