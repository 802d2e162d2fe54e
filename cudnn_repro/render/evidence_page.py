"""docs/evidence.md's table of the committed run sets, generated from their results files alone: what made
each (command, profile, stack), where (machine, image or container), from which commit and whether the
checkout was clean, when and how long, its console log, and where it stands beside the set it pairs with.
Nothing in it is typed by hand; `make docs` rewrites it and tests/test_docs.py fails when it drifts.

    python -m cudnn_repro.render.evidence_page docs/evidence.md paper
"""

from __future__ import annotations

import re
import shlex
import sys
from datetime import datetime, timedelta
from pathlib import Path

from .. import results as results_file
from ..results import ResultsFile
from .environment import ran_in
from .headline import machine
from .markdown import Markdown, code, escape, table

BEGIN, END = "<!-- run sets: generated from paper/ by `make docs` -->", "<!-- end run sets -->"


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def duration(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


def command(results: ResultsFile) -> str:
    """The command that made the file (the first invocation; older files: the argv they recorded)."""
    invocations = results.get("invocations")
    argv = invocations[0]["command"] if invocations else results["environment"]["argv"]
    return shlex.join(["reproduce.py" if a.endswith("reproduce.py") else a for a in argv])


def commit(results: ResultsFile) -> str:
    git = results["environment"]["git"]
    if not git.get("commit"):
        return "not recorded"
    return f"{git['commit'][:7]} " + ("(uncommitted changes)" if git["dirty"] else "(clean)")


def logs(folder: Path, root: Path) -> list[Path]:
    """The console logs committed for a run set: in its own folder, and a GPU script's log named for its tag."""
    found = sorted(folder.glob("*.log"))
    if folder != root:
        found += [log for log in sorted(folder.parent.glob("*-gpu_check.log"))
                  if folder.name.startswith(log.name.removesuffix("gpu_check.log"))]  # fmt: skip
    return found


def log_links(folder: Path, root: Path) -> Markdown:
    links = [f"[{code(log.name)}](../{log.relative_to(root.parent)})" for log in logs(folder, root)]
    return Markdown(", ".join(links) or "not kept")


def partner(name: str, names: set[str]) -> str | None:
    """The paper-size set a quick one pairs with: `X-paper` for `X-quick`, `paper/` for `main-quick`."""
    if name == "paper/runs/main-quick/":
        return "paper/"
    paired = re.sub(r"-quick(-\w+)?/$", "-paper/", name)
    return paired if paired != name and paired in names else None


def beside(quick: ResultsFile, paper: ResultsFile, paper_name: str) -> str:
    """'quick, started 3 min after `paper/` ended; same image; same commit, clean', computed."""
    start, end = when(quick["created"]), when(paper.get("updated", paper["created"]))
    if start >= end:
        order = f"{(start - end).total_seconds() / 60:.0f} min after {paper_name} ended"
    elif start < when(paper["created"]):
        order = f"{(when(paper['created']) - start).total_seconds() / 60:.0f} min before {paper_name} started"
    else:
        order = f"while {paper_name} ran"
    q_env, p_env = quick["environment"], paper["environment"]
    image = "same image" if q_env["container"]["image_id"] == p_env["container"]["image_id"] else "another image"
    same = q_env["git"].get("commit") == p_env["git"].get("commit")
    clean = not q_env["git"].get("dirty") and not p_env["git"].get("dirty")
    source = ("same commit" if same else "another commit") + (", both clean" if clean else ", not both clean")
    return f"{quick['settings']['profile']}, started {order}; {image}; {source}"


def rows(root: Path) -> list[list]:
    files = sorted(root.rglob(results_file.RESULTS_NAME))
    loaded = {}
    for path in files:
        name = f"{path.parent.relative_to(root.parent)}/"
        loaded[name] = (path.parent, results_file.load(path))
    out = []
    for name, (folder, results) in loaded.items():
        s = results["settings"]
        seconds = (when(results.get("updated", results["created"])) - when(results["created"])).total_seconds()
        paired = partner(name, set(loaded))
        out.append(
            [
                code(name),
                Markdown(
                    f"{code(command(results))} ({escape(s['profile'])}, {escape(s['stack'])}/{escape(s['backend'])})"
                ),
                escape(f"{machine(results)}, {ran_in(results['environment']['container'], short=True)}"),
                commit(results),
                f"{results['created'].replace('+00:00', 'Z')}, {duration(seconds)}",
                log_links(folder, root),
                escape(beside(results, loaded[paired][1], paired)) if paired else "-",
            ]
        )
    return out


def evidence_table(root: Path) -> str:
    headers = ["Run set", "Made by (profile, stack/backend)", "Where", "Commit", "Started (UTC), took",
               "Console log", "Beside its paper-size set"]  # fmt: skip
    return f"{BEGIN}\n{table(rows(root), headers)}\n{END}"


def update(page: Path, root: Path) -> bool:
    """Rewrite the page's generated table from the results under `root`; whether it changed."""
    text = page.read_text()
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    new = pattern.sub(lambda _: evidence_table(root), text)
    if new != text:
        page.write_text(new)
    return new != text


if __name__ == "__main__":
    update(Path(sys.argv[1]), Path(sys.argv[2]))
