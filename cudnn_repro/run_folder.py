"""Where a user's run goes when no --out is given: a folder of its own, never the project's evidence.

paper/ holds what the project measured and is written only when asked for by name (`--out paper`,
`make reports`). A user's runs sit side by side under out/, one folder per machine, stack and
profile: out/<host>-<gpu or cpu>-<stack>-<backend>-<profile>/.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

from . import ROOT
from .settings import STACK_FRAMEWORKS, Settings

USER_ROOT = Path("out")  # relative to where the command runs: the checkout, through make
EVIDENCE = ROOT / "paper"  # the project's own run sets, committed


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def device() -> str:
    """The GPU's model as a short name (NVIDIA H200 -> h200), or cpu when NVML sees none."""
    from .measure.environment import collect_gpu

    found: dict = {}
    collect_gpu(found)
    gpu = found["gpu"]
    return slug(gpu["name"].removeprefix("NVIDIA ")) if gpu["present"] else "cpu"


def default_folder(settings: Settings) -> Path:
    backend = STACK_FRAMEWORKS.get(settings.stack, os.environ.get("KERAS_BACKEND", "tensorflow"))
    host = slug(socket.gethostname().split(".")[0])
    return USER_ROOT / f"{host}-{device()}-{settings.stack}-{slug(backend)}-{settings.profile}"


def is_evidence(out: Path) -> bool:
    """Whether a folder is (inside) the project's evidence, which a user's summary never writes."""
    evidence = EVIDENCE.resolve()
    return out.resolve() == evidence or evidence in out.resolve().parents
