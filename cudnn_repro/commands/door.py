"""What a run checks before anything slow (a download, an image build, a framework import), and
where its output goes: a folder of the user's own unless --out names one, then a summary beside
the project's evidence."""

from __future__ import annotations

import os
from pathlib import Path

from .. import ROOT, results, resume
from ..errors import Failure
from ..folders import foreign_problem, run_folder_name, short_hostname, slug
from ..registry import framework_of, keras_backend
from ..settings import Settings
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


def check(settings: Settings, out: Path, force: bool, run_folder: bool = True) -> None:
    """An output folder that cannot be written, one that holds someone's files but no run of ours
    (`run_folder`: a sweep's folder holds task folders instead), and a resume that the results
    already there would refuse, are refused here (exit 1)."""
    problem = out_problem(out)
    if problem:
        raise Failure(problem)
    foreign = foreign_problem(out) if run_folder else None
    if foreign:
        raise Failure(foreign)
    path = out / results.RESULTS_NAME
    if path.exists() and not force:
        resume.check_settings(results.load(path), settings.to_dict(), path)


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
    framework = framework_of(settings.stack, keras_backend())
    host = short_hostname()
    return USER_ROOT / run_folder_name(host, device(), settings.stack, framework, settings.profile), True


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
