"""Any results file, valid or not: `report`, `report --check` and `compare` render it, or
refuse it in one line with exit 1, and never raise.

Hypothesis damages real results files (committed runs of every stack and backend) the way
another person's machine, an old version or a disk might: a key removed, any value replaced
by any JSON value, hostile text, extreme numbers, deep nesting. The schema must say what the
readers need, so that whatever it accepts renders.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from helpers import FIXTURES, ROOT
from hypothesis import event, given, settings
from hypothesis import strategies as st

from cudnn_repro import cli
from cudnn_repro.errors import INPUT_ERROR

SOURCES = [
    FIXTURES / "cpu-quick-results.json",
    FIXTURES / "h100-torch-results.json",
    ROOT / "paper" / "runs" / "cpu-keras2-quick" / "results.json",
    ROOT / "paper" / "runs" / "h200-torch-cudnn-paper" / "results.json",
]
ORIGINALS = [json.loads(p.read_text()) for p in SOURCES]
HOSTILE = ["", " ", "|", "a | b", "<script>alert(1)</script>", "`x`", "# heading", "\n\n## x", "**", "\\", "ü"]
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0, 1, -1, 0.0, 1e-300, 1e300, 2**53 + 1])
    | st.sampled_from(HOSTILE)
    | st.text(max_size=12)
)
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def paths(value, prefix=()):
    """Every place in a JSON document, as a tuple of keys and indices."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, (*prefix, i))


def damage(doc, place, action, value):
    """A copy of doc with one place removed or replaced by value."""
    doc = json.loads(json.dumps(doc))
    *parents, last = place
    holder = doc
    for key in parents:
        holder = holder[key]
    if action == "remove":
        del holder[last]
    else:
        holder[last] = value
    return doc


@st.composite
def results_files(draw):
    doc = draw(st.sampled_from(ORIGINALS))
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["remove", "replace", "text"]))
        places = [p for p in paths(doc) if p and (action != "text" or isinstance(at(doc, p), str))]
        place = draw(st.sampled_from(places))
        value = draw(st.sampled_from(HOSTILE) | st.text() if action == "text" else json_values)
        doc = damage(doc, place, "remove" if action == "remove" else "replace", value)
    return doc


def at(doc, place):
    for key in place:
        doc = doc[key]
    return doc


def quietly(*argv: str | Path) -> tuple[int, str]:
    """A command through cli's boundary, the one place that prints an error and exits by it."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main([str(a) for a in argv])
    return status, err.getvalue()


def check_one(doc, folder: Path, text: str | None = None) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "results.json"
    path.write_text(text or json.dumps(doc))
    status, err = quietly("report", path, "--out", folder, "--check")
    if status == INPUT_ERROR:
        assert err.startswith("error: ") and err.count("\n") == 1, err
    else:
        assert status in (0, 4, 5) and not err, err  # (without --check, 0: tests/test_check.py)
        assert (folder / "REPORT.md").exists() and (folder / "verdicts.json").exists()
    summary, err = quietly("compare", path, "--out", folder / "summary")
    assert summary == (INPUT_ERROR if status == INPUT_ERROR else 0), err
    return status


# A third of the profile's cases: each renders two reports and draws two figures (half a second).
@settings(max_examples=settings.default.max_examples // 3)
@given(doc=results_files())
def test_any_results_file_renders_or_is_refused_in_one_line(doc, tmp_path_factory):
    status = check_one(doc, tmp_path_factory.mktemp("r"))
    event("refused in one line" if status == INPUT_ERROR else f"rendered, report --check {status}")


def test_every_original_renders(tmp_path):
    for i, doc in enumerate(ORIGINALS):
        assert check_one(doc, tmp_path / str(i)) != INPUT_ERROR


def test_a_deeply_nested_file_is_refused_in_one_line(tmp_path):
    text = json.dumps(damage(ORIGINALS[0], ("environment", "gpu"), "replace", "NEST"))
    assert check_one(None, tmp_path, text.replace('"NEST"', "[" * 100_000 + "]" * 100_000)) == INPUT_ERROR


def test_non_finite_numbers_are_refused(tmp_path):
    for literal in ("NaN", "Infinity", "-Infinity", "1e999"):
        text = json.dumps(damage(ORIGINALS[0], ("runs", 0, "test_accuracy"), "replace", "X"))
        assert check_one(None, tmp_path, text.replace('"X"', literal)) == INPUT_ERROR


def ok_run_places(doc) -> list[int]:
    return [i for i, run in enumerate(doc["runs"]) if run["status"] == "ok"]


@st.composite
def contradictions(draw):
    """A real file with one record made to contradict itself, each field still valid alone: a teardown
    or epochs longer than their fit, per-epoch lists of another length, a look at repeats never run."""
    doc = json.loads(json.dumps(draw(st.sampled_from(ORIGINALS))))
    kind = draw(st.sampled_from(["teardown", "epochs", "steps", "look"]))
    i = draw(st.sampled_from(ok_run_places(doc)))
    run = doc["runs"][i]
    excess = draw(st.floats(min_value=1e-3, max_value=1e4))
    if kind == "teardown":
        run["teardown_seconds"] = run["fit_seconds"] + excess
    elif kind == "epochs":
        run["epoch_seconds"][draw(st.integers(0, len(run["epoch_seconds"]) - 1))] += run["fit_seconds"] + excess
    elif kind == "steps":
        run["step_seconds"] = [*run.get("step_seconds", [None] * len(run["epoch_seconds"])), None]
    else:
        done = 1 + max(r["repeat"] for r in doc["runs"])
        doc["settings"]["max_repeats"] = done + 3
        doc["stopping"] = {"looks": [{"repeats": done + draw(st.integers(1, 3)), "undecided": []}]}
    return doc, f"{run['model']} run {run['repeat']}" if kind != "look" else "the stopping rule's look"


@given(case=contradictions())
def test_a_record_that_contradicts_itself_is_refused_in_one_line_naming_it(case, tmp_path_factory):
    """The schema checks each field alone; the records are checked as records (results.run_problems)."""
    doc, record = case
    folder = tmp_path_factory.mktemp("c")
    (folder / "results.json").write_text(json.dumps(doc))
    status, err = quietly("report", folder / "results.json", "--out", folder)
    assert status == INPUT_ERROR and err.startswith("error: ") and err.count("\n") == 1, err
    assert record in err and "cannot be judged" in err
    assert not (folder / "REPORT.md").exists()
