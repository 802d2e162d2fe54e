"""Every option value checked where it enters: a bad command line is exit 2 (a bad output
folder exit 1) in one line, before TensorFlow or Keras is imported, and nothing is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from cudnn_repro import cli, errors
from cudnn_repro.commands import compare
from cudnn_repro.folders import foreign_files

USAGE, INPUT = errors.USAGE, errors.INPUT_ERROR
CASES = [
    (["--repeats", "1e20"], USAGE, "is not a whole number"),
    (["--repeats", "1" + "0" * 20], USAGE, "more than 100"),
    (["--repeats", "9" * 5000], USAGE, "is not a whole number"),
    (["--repeats", "0"], USAGE, "at least 1"),
    (["--models", "LSTM,LSTM"], USAGE, "names a model twice"),
    (["--models", "LSTM,,GRU"], USAGE, "unknown model"),
    (["--models", ""], USAGE, "unknown model"),
    (["--profile", "quick", "--steps-per-epoch", "251"], USAGE, "more than the 250 batches"),
    (["--profile", "smoke", "--steps-per-epoch", "3"], USAGE, "more than the 2 batches"),
    (["--train-samples", "25001"], USAGE, "more than 25,000"),
    (["--test-samples", "25001"], USAGE, "more than 25,000"),
    (["--epochs", "100000"], USAGE, "more than 1,000"),
    (["--out", ""], USAGE, "a path cannot be empty"),
    (["--imdb-path", ""], USAGE, "a path cannot be empty"),
    (["--out", "loop"], INPUT, "cannot be resolved"),
    (["--out", "afile"], INPUT, "is a file, not a folder"),
    (["--out", "afile/below"], INPUT, "is a file, so no folder can be made under it"),
    (["container", "--out", "afile"], INPUT, "is a file, not a folder"),
    (["slurm", "--time", "0", "--dry-run"], USAGE, "0 is not between 1 and 10,080"),
    (["slurm", "--time", "-5", "--dry-run"], USAGE, "-5 is not between 1"),
    (["slurm", "--cpus-per-task", "0", "--dry-run"], USAGE, "0 is not between 1 and 1,024"),
    (["slurm", "--out", "afile", "--dry-run"], INPUT, "is a file, not a folder"),
    (["slurm", "--gpu", "a,b", "--dry-run"], USAGE, "expected NAME"),
    (["slurm", "--gpu", "a,partition=p q", "--dry-run"], USAGE, "only letters"),
    (["slurm", "--sweep", "keras9/tensorflow", "--dry-run"], USAGE, "expected STACK/BACKEND"),
    (["slurm", "--site", "../../escape", "--dry-run"], USAGE, "--site"),
    (["slurm", "--site", "/abs", "--dry-run"], USAGE, "--site"),
    (["slurm", "--gpu", "a,partition=x\necho INJECTED", "--dry-run"], USAGE, "control characters"),
    (["slurm", "--account", "p\necho INJECTED", "--dry-run"], USAGE, "control characters"),
    (["report", ""], USAGE, "a path cannot be empty"),
    (["compare", "x", "--out", ""], USAGE, "a path cannot be empty"),
    (["--out", "ok\x1b[31m"], USAGE, "control characters"),
]
SCRIPT = """
import contextlib, io, json, sys
from cudnn_repro import cli
out = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = cli.main(argv)
        except SystemExit as stop:
            status = stop.code
    out.append([status, err.getvalue()])
heavy = sorted(m for m in ("tensorflow", "keras", "tf_keras", "torch", "jax") if m in sys.modules)
print(json.dumps({"results": out, "imported": heavy}))
"""


def test_bad_values_are_refused_at_the_door(tmp_path):
    (tmp_path / "afile").write_text("")
    (tmp_path / "loop").symlink_to("loop")
    argvs = [[*argv, *([] if "--out" in argv or argv[0] in ("report", "compare") else ["--out", "o"])]
             for argv, _, _ in CASES]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(argvs)], cwd=tmp_path, capture_output=True, text=True,
        env=os.environ | {"PYTHONPATH": str(ROOT)}, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for (argv, status, words), (got, err) in zip(CASES, found["results"], strict=True):
        assert (got, words in err) == (status, True), (argv, err)
        assert "Traceback" not in err and err.strip().splitlines()[-1].count("error") == 1, (argv, err)
    assert found["imported"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "loop"]  # nothing written


def test_a_bug_is_one_line_and_a_traceback_file(tmp_path, monkeypatch, capsys):
    def broken(*args):
        raise ZeroDivisionError("a\nbug")

    monkeypatch.setattr(compare, "compare", broken)
    assert cli.main(["compare", str(tmp_path), "--out", str(tmp_path)]) == errors.INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unexpected ZeroDivisionError: a bug; this is a bug, please report it" in err
    (crash,) = tmp_path.glob("cudnn-repro-crash-*.txt")
    assert str(crash) in err and "Traceback" in crash.read_text() and "ZeroDivisionError" in crash.read_text()


def test_every_expected_failure_has_its_exit_code(monkeypatch, capsys):
    from cudnn_repro.launch.engine import EngineError
    from cudnn_repro.measure.provenance import ProvenanceError

    for error, status in [(EngineError("no engine"), errors.ENGINE), (ProvenanceError("wrong kernel"), 3)]:

        def fail(*args, error=error):
            raise error

        monkeypatch.setattr(compare, "compare", fail)
        assert cli.main(["compare", "x"]) == status
        assert capsys.readouterr().err == f"error: {error}\n"


@pytest.mark.parametrize("name", ["results.json", "folder"])
def test_imdb_path_that_is_a_folder_says_so(tmp_path, name):
    from cudnn_repro.measure.data import DatasetError, find_imdb

    (tmp_path / name).mkdir()
    with pytest.raises(DatasetError, match="is a folder"):
        find_imdb("auto", str(Path(tmp_path / name)))


@pytest.mark.parametrize("command", [[], ["container"]])
def test_a_folder_of_someone_elses_files_is_refused_and_left_as_it_was(tmp_path, capsys, command):
    """--out a folder holding someone's own REPORT.md and figure.png, and no run of ours: one line,
    exit 1, before anything runs; nothing in it changes. Our own leftovers (a lock, a crash report) do not
    count as someone's."""
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "REPORT.md").write_text("my notes")
    (theirs / "figure.png").write_bytes(b"my figure")
    before = {p.name: p.read_bytes() for p in theirs.iterdir()}
    status = cli.main([*command, "--profile", "smoke", "--out", str(theirs)])
    assert status == INPUT
    err = capsys.readouterr().err
    assert "holds files but no run of this package (REPORT.md, figure.png)" in err and err.count("\n") == 1
    assert {p.name: p.read_bytes() for p in theirs.iterdir()} == before
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / ".results.lock").touch()
    (ours / "cudnn-repro-crash-abc123.txt").touch()
    (ours / "task.json").touch()  # a Slurm task's record and log, written before its run starts
    (ours / "task.log").touch()
    assert foreign_files(ours) == [] and foreign_files(theirs) == ["REPORT.md", "figure.png"]
