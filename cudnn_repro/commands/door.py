"""What a run checks before anything slow (a download, an image build, a framework import), and
where its output goes: a folder of the user's own unless --out names one, then a summary beside
the project's evidence."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

from .. import ROOT, results, task_status
from ..errors import Failure
from ..settings import STACK_FRAMEWORKS, Settings
from ..variables import IMAGE_ID_ENV

# paper/ holds what the project measured, written only when asked for by name (`--out paper`,
# `make reports`); a user's runs sit side by side under out/, one folder per machine, stack and
# profile: out/<host>-<gpu or cpu>-<stack>-<backend>-<profile>/.
USER_ROOT = Path("out")  # relative to where the command runs: the checkout, through make
EVIDENCE = ROOT / "paper"  # the project's own run sets, committed


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


# What a run of this package leaves in its folder before results.json exists: the lock, a crash
# report, a failed container's log, a Slurm task's record and log. Anything else in a folder with no
# results.json is someone's own.
OURS = re.compile(
    "|".join([re.escape(results.LOCK_NAME), r"cudnn-repro-crash-\w+\.txt", r"container-\w+\.log",
              re.escape(task_status.TASK_NAME), re.escape(task_status.LOG_NAME)])
)  # fmt: skip


def foreign_files(out: Path) -> list[str]:
    """The files in a run folder that no run of this package wrote: none when it holds a run of ours."""
    if not out.is_dir() or (out / results.RESULTS_NAME).exists():
        return []
    return sorted(p.name for p in out.iterdir() if not OURS.fullmatch(p.name))


def check(settings: Settings, out: Path, force: bool, run_folder: bool = True) -> None:
    """An output folder that cannot be written, one that holds someone's files but no run of ours
    (`run_folder`: a sweep's folder holds task folders instead), and a resume that the results
    already there would refuse, are refused here (exit 1)."""
    problem = out_problem(out)
    if problem:
        raise Failure(problem)
    foreign = foreign_files(out) if run_folder else []
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise Failure(
            f"--out {out} holds files but no run of this package ({shown}); a run writes REPORT.md, "
            "figure.png and verdicts.json there: choose an empty or new folder, so nothing of yours is overwritten"
        )
    path = out / results.RESULTS_NAME
    if path.exists() and not force:
        results.check_settings(results.load(path), settings.to_dict(), path)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def device() -> str:
    """The GPU's model as a short name (NVIDIA H200 -> h200), or cpu when NVML sees none."""
    from ..measure.environment import collect_gpu

    found: dict = {}
    collect_gpu(found)
    gpu = found["gpu"]
    return slug(gpu["name"].removeprefix("NVIDIA ")) if gpu["present"] else "cpu"


def output_folder(out: Path | None, settings: Settings) -> tuple[Path, bool]:
    """The folder a run writes to, and whether it was chosen for the user (no --out)."""
    if out is not None:
        return out, False
    backend = STACK_FRAMEWORKS.get(settings.stack, os.environ.get("KERAS_BACKEND", "tensorflow"))
    host = slug(socket.gethostname().split(".")[0])
    return USER_ROOT / f"{host}-{device()}-{settings.stack}-{slug(backend)}-{settings.profile}", True


def is_evidence(out: Path) -> bool:
    """Whether a folder is (inside) the project's evidence, which a user's summary never writes."""
    evidence = EVIDENCE.resolve()
    return out.resolve() == evidence or evidence in out.resolve().parents


def beside_evidence(out: Path, defaulted: bool) -> None:
    """A user's run set in one summary with the project's committed ones (paper/ is only read)."""
    from .compare import compare

    if os.environ.get(IMAGE_ID_ENV) or not (out / results.RESULTS_NAME).exists() or is_evidence(out):
        return  # inside this package's image the host says where things are
    if not defaulted:
        evidence = os.path.relpath(EVIDENCE)
        print(f"beside the project's run sets: reproduce.py compare {out} {evidence} --out {out}")
        return
    compare([USER_ROOT, EVIDENCE], USER_ROOT, check=False)
