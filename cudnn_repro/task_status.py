"""What became of one scheduled task, kept in its run folder beside results.json.

The submission writes it when the task is queued; the task when it starts, is requeued
and ends; the summary reads it. So a task that failed, was cancelled, or was killed before
it could say so, is listed with its reason and log, never silently missing.
"""

from __future__ import annotations

import json
from pathlib import Path

from .files import write_json
from .results import RESULTS_NAME, now

TASK_NAME = "task.json"
LOG_NAME = "task.log"
QUEUED, RUNNING, PREEMPTED, REQUEUED, DONE, FAILED = "queued", "running", "preempted", "requeued", "done", "failed"


def read(run_dir: Path) -> dict | None:
    """The task's record, or a failed one saying why it cannot be read: it may come from anywhere."""
    path = run_dir / TASK_NAME
    try:
        task = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError) as error:
        return {"status": FAILED, "reason": f"its {TASK_NAME} cannot be read ({error})"}
    if not isinstance(task, dict) or task.get("status") not in (QUEUED, RUNNING, PREEMPTED, REQUEUED, DONE, FAILED):
        return {"status": FAILED, "reason": f"its {TASK_NAME} is not a task record"}
    return {k: v if isinstance(v, str | int | None) else str(v) for k, v in task.items()}


def record(run_dir: Path, status: str, **fields) -> None:
    """Add this status (and when) to the task's outcome, keeping what it said before."""
    previous = read(run_dir) or {}
    write_json(previous | fields | {"status": status, "at": now()}, run_dir / TASK_NAME)


def reason_from_log(log: Path) -> str:
    """The log's last `error:` line (the package's one-line errors), else its last line."""
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return f"no log at {log}"
    errors = [line for line in lines if line.startswith("error:")]
    return (errors or lines or ["the log is empty"])[-1]


def unfinished(folders: list[Path]) -> list[tuple[Path, str]]:
    """Each task under these folders that did not finish with a results file, and why."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob(TASK_NAME)) if folder.is_dir() else []:
            run_dir, task = path.parent, read(path.parent) or {}
            status, log = task.get("status"), run_dir / LOG_NAME
            if status == DONE and (run_dir / RESULTS_NAME).exists():
                continue
            if status == FAILED:
                why = f"failed (exit {task.get('exit_code')}): {task.get('reason') or reason_from_log(log)}"
            elif status == DONE:
                why = f"finished without a {RESULTS_NAME}"
            elif status == QUEUED:
                why = f"never started: still queued, or cancelled before it ran (job {task.get('job_id')})"
            else:  # running or requeued when the summary ran: killed, cancelled or still queued
                why = f"did not finish: last seen {status} at {task.get('at')}; last log line: {reason_from_log(log)}"
            found.append((run_dir, why))
    return found
