"""What a run checks before anything slow (a download, an image build, a framework import), and
where its output goes: a folder of the user's own unless --out names one, then a summary beside
the project's evidence."""

from __future__ import annotations

import os
from pathlib import Path

from .. import results, run_folder
from ..errors import Failure
from ..settings import Settings
from ..variables import IMAGE_ID_ENV


def out_problem(out: Path) -> str | None:
    """Why results cannot be written under --out, found before anything slow starts."""
    try:
        resolved = out.resolve()
    except (OSError, RuntimeError) as error:  # a symbolic link loop
        return f"--out {out} cannot be resolved ({error})"
    if resolved.exists() and not resolved.is_dir():
        return f"--out {out} is a file, not a folder"
    existing = next(p for p in [resolved, *resolved.parents] if p.exists())
    if not existing.is_dir():
        return f"--out {out}: {existing} is a file, so no folder can be made under it"
    if not os.access(existing, os.W_OK):
        return f"--out {out}: {existing} is not writable by this user (or is on a read-only filesystem)"
    return None


def check(settings: Settings, out: Path, force: bool) -> None:
    """An output folder that cannot be written, and a resume that the results already there would
    refuse, are refused here (exit 1)."""
    problem = out_problem(out)
    if problem:
        raise Failure(problem)
    path = out / results.RESULTS_NAME
    if path.exists() and not force:
        results.check_settings(results.load(path), settings.to_dict(), path)


def output_folder(out: Path | None, settings: Settings) -> tuple[Path, bool]:
    """The folder a run writes to, and whether it was chosen for the user (no --out)."""
    return (out, False) if out is not None else (run_folder.default_folder(settings), True)


def beside_evidence(out: Path, defaulted: bool) -> None:
    """A user's run set in one summary with the project's committed ones (paper/ is only read)."""
    from .compare import compare

    if os.environ.get(IMAGE_ID_ENV) or not (out / results.RESULTS_NAME).exists() or run_folder.is_evidence(out):
        return  # inside this package's image the host says where things are
    if not defaulted:
        evidence = os.path.relpath(run_folder.EVIDENCE)
        print(f"beside the project's run sets: reproduce.py compare {out} {evidence} --out {out}")
        return
    compare([run_folder.USER_ROOT, run_folder.EVIDENCE], run_folder.USER_ROOT, check=False)
