"""The results file: the one contract between the workload and everything that reads it.

It carries a schema name and version (unknown ones are rejected), is written with
sorted keys, and is replaced atomically after every model run, so an interrupted run
leaves every finished model on disk.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from .environment import comparable

SCHEMA = "cudnn-repro/results"
VERSION = 1
RESULTS_NAME = "results.json"


class ResultsError(Exception):
    """A results file that cannot be read, or cannot be resumed with these settings."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_results(settings: dict, environment: dict, data: dict) -> dict:
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "created": now(),
        "settings": settings,
        "environment": environment,
        "data": data,
        "runs": [],
    }


def start_invocation(results: dict, environment: dict) -> None:
    """Record the command that is about to add runs, so a resumed file says who made what."""
    results.setdefault("invocations", []).append(
        {
            "command": environment["argv"],
            "started": now(),
            "ended": None,
            "runs_before": len(results["runs"]),
            "packages": environment["packages"],
            "lock": environment["lock"],
            "git": environment["git"],
        }
    )


def load(path: Path) -> dict:
    try:
        results = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ResultsError(f"cannot read results file {path}: {error}") from error
    if results.get("schema") != SCHEMA or results.get("version") != VERSION:
        raise ResultsError(
            f"{path} is not a {SCHEMA} v{VERSION} file "
            f"(schema {results.get('schema')!r}, version {results.get('version')!r})"
        )
    return results


def save(results: dict, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    results["updated"] = now()
    if results.get("invocations"):
        results["invocations"][-1]["ended"] = results["updated"]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.chmod(tmp, 0o644)  # mkstemp makes it private; results are meant to be shared
    with os.fdopen(fd, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def check_resumable(results: dict, settings: dict, environment: dict, data: dict, path: Path) -> None:
    """The one rule for adding runs to a file: the same settings, machine, software and data
    source, or the runs would not be comparable."""
    old = results["settings"]
    diff = {k: (old.get(k), settings.get(k)) for k in settings.keys() | old.keys() if old.get(k) != settings.get(k)}
    if diff:
        changes = ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in sorted(diff.items()))
        raise ResultsError(
            f"{path} holds runs made with other settings ({changes}); "
            "pass --force to start over, or --out to write elsewhere"
        )
    before, now = comparable(results["environment"]), comparable(environment)
    changed = [k for k in now if before[k] != now[k]]
    if results["data"]["source"] != data["source"]:
        changed.append("data")
    if changed:
        raise ResultsError(
            f"{path} was measured with another {', '.join(changed)}; its runs and this one "
            "would not be comparable. Pass --force to start over, or --out to write elsewhere"
        )


def finished(results: dict) -> set[tuple[str, int]]:
    return {(r["model"], r["repeat"]) for r in results["runs"]}
