"""Where a run set is written: one name rule for a run's folder, for a user's run (under out/) and each
task of a Slurm sweep alike, and the rule that a folder holding someone's own files is never written into."""

from __future__ import annotations

import fcntl
import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import task_status
from .results import RESULTS_NAME, ResultsError, now

LOCK_NAME = ".results.lock"
# (prefix, suffix) of a crash report (tempfile adds a random middle) and of a failed container's log (its ID)
CRASH = ("cudnn-repro-crash-", ".txt")
CONTAINER_LOG = ("container-", ".log")


def container_log_name(container_id: str) -> str:
    """A failed container's log, kept beside the results."""
    return CONTAINER_LOG[0] + container_id + CONTAINER_LOG[1]


def short_hostname() -> str:
    """This machine's name without its domain: the first part of a run folder's name and a sweep's site."""
    return socket.gethostname().split(".")[0]


# What a run of this package leaves in its folder before results.json exists: the lock, a crash
# report, a failed container's log, a Slurm task's record and log. Anything else in a folder with no
# results.json is someone's own.
OURS = re.compile(
    "|".join([re.escape(LOCK_NAME), re.escape(task_status.TASK_NAME), re.escape(task_status.LOG_NAME)]
             + [re.escape(prefix) + r"\w+" + re.escape(suffix) for prefix, suffix in (CRASH, CONTAINER_LOG)])
)  # fmt: skip


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def run_folder_name(site: str, device: str, stack: str, framework: str, profile: str) -> str:
    """<site>-<gpu or cpu>-<stack>-<framework>-<profile>: what ran where, so run sets sit side by side."""
    return "-".join(slug(part) for part in (site, device, stack, framework, profile))


def foreign_files(out: Path) -> list[str]:
    """The files in a run folder that no run of this package wrote: none when it holds a run of ours."""
    if not out.is_dir() or (out / RESULTS_NAME).exists():
        return []
    return sorted(p.name for p in out.iterdir() if not OURS.fullmatch(p.name))


def foreign_problem(out: Path, option: str = "--out") -> str | None:
    """Why a run may not write into `out`: it holds someone's files (a run writes REPORT.md, figure.png
    and verdicts.json there) but no run of ours."""
    foreign = foreign_files(out)
    if not foreign:
        return None
    shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
    return (
        f"{option} {out} holds files but no run of this package ({shown}); a run writes REPORT.md, "
        "figure.png and verdicts.json there: choose an empty or new folder, so nothing of yours is overwritten"
    )


@contextmanager
def exclusive(out_dir: Path) -> Iterator[None]:
    """One run per output folder. The kernel drops the lock when its holder dies (kill -9
    too), so a stale lock is simply taken over; a live one is named in the refusal."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / LOCK_NAME).open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another run"
            raise ResultsError(f"{out_dir} is in use by {holder}; wait for it, or pass another --out") from None
        f.seek(0)
        f.truncate()
        f.write(f"PID {os.getpid()} on {socket.gethostname()}, started {now()}")
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)
