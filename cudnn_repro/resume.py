"""When a run may add to a results file already there: the same settings, machine, software and data
source, or its runs would not be comparable; and how to start over, in the words of the command typed."""

from __future__ import annotations

import os
from pathlib import Path

from .results import Environment, ResultsError, ResultsFile
from .variables import CALLER_ENV


def comparable(env: Environment) -> dict:
    """What must not change between the runs that one results file holds."""
    return {
        "packages": env["packages"],
        "backend": env["backend"],
        "cpu": env["cpu"]["model"],
        "gpu": env["gpu"].get("name"),
        "image": env["container"]["image_id"],
    }


def start_over() -> str:
    """How to start over or write elsewhere, in the words of the command the user typed."""
    caller = os.environ.get(CALLER_ENV)
    if caller:  # the Makefile names its target
        return f"`{caller} ARGS=--force` starts over (replacing them), `{caller} OUT=<folder>` writes elsewhere"
    return "pass --force to start over (replacing them), or --out <folder> to write elsewhere"


def settings_changes(old: dict, new: dict) -> str:
    """The settings `new` asks for that differ from those the file's runs were made with, or ""."""
    diff = {k: (old.get(k), v) for k, v in new.items() if old.get(k) != v}
    return ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in sorted(diff.items()))


def check_settings(results: ResultsFile, settings: dict, path: Path) -> None:
    """The door's half of the rule (settings only, known before any import)."""
    changes = settings_changes(results["settings"], settings)
    if changes:
        raise ResultsError(f"{path} holds runs made with other settings ({changes}); {start_over()}")


def check_resumable(results: ResultsFile, settings: dict, environment: Environment, data: dict, path: Path) -> None:
    """The one rule for adding runs to a file: the same settings, machine, software and data
    source, or the runs would not be comparable."""
    check_settings(results, settings | {k: None for k in results["settings"].keys() - settings.keys()}, path)
    before, now = comparable(results["environment"]), comparable(environment)
    changed = [k for k in now if before[k] != now[k]]
    if results["data"]["source"] != data["source"]:
        changed.append("data")
    if changed:
        raise ResultsError(
            f"{path} was measured with another {', '.join(changed)}; its runs and this one "
            f"would not be comparable: {start_over()}"
        )


def finished(results: ResultsFile) -> set[tuple[str, int]]:
    return {(r["model"], r["repeat"]) for r in results["runs"]}
