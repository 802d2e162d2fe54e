"""The flagship's method history: each committed version of paper/results.json, judged by the package as it
is now, with the whole fit() call (today's compared time, the article's metric) and with each fit's teardown
after training left out (the compared time from 58a5048 until the keras2 stack held its iterator past the
clock). What each method change did to the GRU-vs-LSTM (plain) verdict, from the files themselves.

    python bench/method_history.py [COMMIT...]   # default: every flagship since FIRST
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tabulate import tabulate

from cudnn_repro import results
from cudnn_repro.judge.analysis import analyse
from cudnn_repro.judge.claims import load_article

CLAIM = "gru_faster_plain"
FILE = "paper/results.json"
FIRST = "c83a24b"  # the first flagship made by the main job with the keras2 stack (older ones: runs/cpu-paper)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def verdict_text(v) -> str:
    e = v.estimate
    if e is None:
        return v.label
    low, high = e.bounds
    return f"{v.label}, {e.point:.2f}x [{low:.2f}, {high:.2f}]" if e.interval else f"{v.label}, {e.point:.2f}x"


def row(commit: str, article) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.json"
        path.write_text(git("show", f"{commit}:{FILE}"))
        data = results.load(path)
    analysis = analyse(data, article)
    index = [c.id for c in article.claims].index(CLAIM)
    whole = analysis.verdicts[index]
    without = analysis.without_teardown[index] if analysis.without_teardown else whole
    ok = [r for r in data["runs"] if r["status"] == "ok"]
    teardown = max((r.get("teardown_seconds", 0.0) for r in ok), default=0.0)
    recorded = "teardown recorded" if any("teardown_seconds" in r for r in ok) else "no teardown record"
    made = data["environment"]["git"]
    return [
        commit[:7],
        f"{made['commit'][:7]}{' (dirty)' if made['dirty'] else ''}",
        f"{data['settings']['repeats']} + up to {data['settings']['max_repeats']}"
        if data["settings"].get("max_repeats")
        else f"{data['settings']['repeats']} fixed",
        f"{recorded}, at most {teardown:.1f} s" if teardown else recorded,
        f"{analysis.level:.1%}",
        verdict_text(whole),
        verdict_text(without),
    ]


def main() -> None:
    commits = sys.argv[1:] or git("log", "--format=%H", "--reverse", f"{FIRST}^..HEAD", "--", FILE).split()
    article = load_article()
    rows = [row(c, article) for c in commits]
    headers = ["Committed at", "Made at", "Repeats", "Teardown after training", "Level",
               "Whole fit() call (today)", "Teardown left out"]  # fmt: skip
    print(f"{FILE}, claim {CLAIM}, judged by the package at {git('rev-parse', '--short', 'HEAD').strip()}:\n")
    print(tabulate(rows, headers, tablefmt="github"))


if __name__ == "__main__":
    main()
