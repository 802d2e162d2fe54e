"""A results file's record, read once into types for render: every committed file reads, and the record
says what the file says."""

import pytest
from helpers import ROOT

from cudnn_repro import results
from cudnn_repro.judge import record

FILES = sorted([*(ROOT / "paper").rglob("results.json"), *(ROOT / "bench" / "results").rglob("results.json")])


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_committed_file_reads_into_its_record(path):
    state = results.load(path)
    r = record.read(state)
    env, ok = state["environment"], [run for run in state["runs"] if run["status"] == "ok"]
    assert r.settings.stack == state["settings"]["stack"] and r.settings.values == state["settings"]
    assert r.machine == (env["gpu"]["name"] if env["gpu"]["present"] else f"{env['cpu']['model']} (no GPU)")
    assert list(r.command) == (state["invocations"][0]["command"] if state.get("invocations") else env["argv"])
    assert [(f.model, f.repeat) for f in r.fits] == [(run["model"], run["repeat"]) for run in ok]
    assert (r.provenance_method is None) == all("provenance" not in run for run in ok)
    assert r.ended == state.get("updated", state["created"]) and r.dirty == env["git"]["dirty"]
