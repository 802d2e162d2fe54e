"""docs/evidence.md's table of the committed run sets, generated from their results files alone: what made
each (command, profile, stack), where (machine, image or container), from which commit and whether the
checkout was clean, when and how long, its console log, and where it stands beside the set it pairs with.
Nothing in it is typed by hand; `make docs` rewrites it (render/docs.py) and tests/test_docs.py fails
when it drifts."""

from __future__ import annotations

import re
import shlex
from datetime import datetime, timedelta
from pathlib import Path

from .. import results as results_file
from ..judge import record
from ..judge.record import Record
from .environment import ran_in
from .markdown import Generated, Markdown, code, escape, table

PAGE = Generated("<!-- run sets: generated from paper/ by `make docs` -->", "<!-- end run sets -->")


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def duration(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


def command(record: Record) -> str:
    """The command that made the file, its script named as in a checkout."""
    return shlex.join(["reproduce.py" if a.endswith("reproduce.py") else a for a in record.command])


def commit(record: Record) -> str:
    if not record.commit:
        return "not recorded"
    return f"{record.commit[:7]} " + ("(uncommitted changes)" if record.dirty else "(clean)")


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


def beside(quick: Record, paper: Record, paper_name: str) -> str:
    """'quick, started 3 min after `paper/` ended; same image; same commit, clean', computed."""
    start, end = when(quick.created), when(paper.ended)
    if start >= end:
        order = f"{(start - end).total_seconds() / 60:.0f} min after {paper_name} ended"
    elif start < when(paper.created):
        order = f"{(when(paper.created) - start).total_seconds() / 60:.0f} min before {paper_name} started"
    else:
        order = f"while {paper_name} ran"
    image = "same image" if quick.image.image_id == paper.image.image_id else "another image"
    same = quick.commit == paper.commit
    clean = not quick.dirty and not paper.dirty
    source = ("same commit" if same else "another commit") + (", both clean" if clean else ", not both clean")
    return f"{quick.settings.profile}, started {order}; {image}; {source}"


def rows(root: Path) -> list[list]:
    files = sorted(root.rglob(results_file.RESULTS_NAME))
    loaded = {}
    for path in files:
        name = f"{path.parent.relative_to(root.parent)}/"
        loaded[name] = (path.parent, record.read(results_file.load(path)))
    out = []
    for name, (folder, r) in loaded.items():
        s = r.settings
        seconds = (when(r.ended) - when(r.created)).total_seconds()
        paired = partner(name, set(loaded))
        out.append(
            [
                code(name),
                Markdown(f"{code(command(r))} ({escape(s.profile)}, {escape(s.stack)}/{escape(s.backend)})"),
                escape(f"{r.machine}, {ran_in(r.image, short=True)}"),
                commit(r),
                f"{r.created.replace('+00:00', 'Z')}, {duration(seconds)}",
                log_links(folder, root),
                escape(beside(r, loaded[paired][1], paired)) if paired else "-",
            ]
        )
    return out


def evidence_table(root: Path) -> str:
    headers = ["Run set", "Made by (profile, stack/backend)", "Where", "Commit", "Started (UTC), took",
               "Console log", "Beside its paper-size set"]  # fmt: skip
    return table(rows(root), headers)
