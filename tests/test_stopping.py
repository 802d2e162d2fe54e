"""The paper profile's stopping rule as a run applies it: more repeats while a claim this host can
judge is undecided, up to the most, each look and the reason it stopped in the results and the report;
`--repeats N` keeps a fixed count. (Its coverage: tests/judge/test_stats.py.)"""

import json
import os
import subprocess
import sys

from helpers import ROOT, TINY, TOY_STACK

from cudnn_repro import settings
from cudnn_repro.judge import stopping

# cli's main under a rule of 1 repeat, then up to 2: the smoke profile given a stopping rule.
RULED_SMOKE = (
    "import dataclasses, sys; from cudnn_repro import cli, settings; "
    "settings.PROFILES['smoke'] = dataclasses.replace(settings.PROFILES['smoke'], repeats=1, max_repeats=2); "
    "sys.exit(cli.main(sys.argv[1:]))"
)


def ruled_run(out) -> subprocess.CompletedProcess:
    """The rule is the harness's, not a framework's: the toy stack runs it, in seconds."""
    options = [*TINY, "--stack", "toy", "--models", "LSTM,GRU", "--out", str(out)]
    command = [sys.executable, "-c", RULED_SMOKE, "run", *options]
    return subprocess.run(command, cwd=ROOT, env=os.environ | TOY_STACK, capture_output=True, text=True)


def test_a_fixed_count_is_what_repeats_asks_for_and_the_paper_and_quick_profiles_have_the_rule():
    for profile in ("paper", "quick"):
        assert settings.configured(profile, {}).max_repeats == 6
        assert settings.configured(profile, {"repeats": 4}).max_repeats is None
        assert f"{profile} 3, then up to 6 while a claim is undecided" in settings.OPTIONS["repeats"].help
    assert stopping.looks({"max_repeats": 6}) == 2 and stopping.looks({"max_repeats": None}) == 1


def test_an_undecided_run_makes_more_repeats_up_to_the_most_and_says_why_it_stopped(tmp_path):
    """A smoke run under a rule of 1 then up to 2 repeats: one run each cannot decide the plain pair's
    claim, so the rule makes the second, and stops there, its most."""
    out = tmp_path / "run"
    done = ruled_run(out)
    assert done.returncode == 0, done.stderr
    results = json.loads((out / "results.json").read_text())
    assert sorted((r["model"], r["repeat"]) for r in results["runs"]) == [("GRU", 0), ("GRU", 1), ("LSTM", 0),
                                                                          ("LSTM", 1)]  # fmt: skip
    assert results["settings"]["max_repeats"] == 2
    # The extra repeat continues the same run: one invocation, one environment record and self-test.
    assert len(results["invocations"]) == 1 and results["invocations"][0]["runs_before"] == 0
    assert results["stopping"] == {
        "looks": [{"repeats": 1, "undecided": ["gru_faster_plain"]}, {"repeats": 2, "undecided": ["gru_faster_plain"]}],
        "stopped": stopping.MOST,
    }
    report = (out / "REPORT.md").read_text()
    assert "The stopping rule: up to 2 repeats while a claim this host can judge is undecided" in report
    plain = "GRU faster than LSTM (plain)"
    assert f"after 1, undecided: {plain}; after 2, undecided: {plain}; stopped: {stopping.MOST}." in report
    # The same command again: nothing left to run, the looks are not repeated.
    again = ruled_run(out)
    assert again.returncode == 0, again.stderr
    assert len(json.loads((out / "results.json").read_text())["stopping"]["looks"]) == 2
