"""The stacks and frameworks this package knows, read once from stacks.json: what the host side asks
about them (which framework a stack computes on, why it cannot run here) without importing any.

A stack or framework is added by its module and its entry in stacks.json (docs/adding-a-stack.md);
$CUDNN_REPRO_STACKS names a file of the same form, merged over the package's, to try one outside it.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from .variables import STACKS_ENV


def _load() -> dict:
    facts = json.loads(Path(__file__).with_name("stacks.json").read_text())
    extra = os.environ.get(STACKS_ENV)
    if extra:
        more = json.loads(Path(extra).read_text())
        for part in ("plain_kernels", "frameworks", "stacks"):
            facts[part] |= more.get(part, {})
    return facts


_FACTS = _load()
STACK_FACTS: dict[str, dict] = _FACTS["stacks"]
FRAMEWORK_FACTS: dict[str, dict] = _FACTS["frameworks"]
PLAIN_KERNELS: dict[str, dict] = _FACTS["plain_kernels"]
STACKS = tuple(STACK_FACTS)
FRAMEWORKS = tuple(FRAMEWORK_FACTS)
# The math a stack fixes (why: its math_why); keras3's is --math's.
STACK_MATH = {name: s["math"] for name, s in STACK_FACTS.items() if s["math"]}
# Every package a run records the version of: the frameworks' and the stacks' own, and what all use.
PACKAGES = tuple(
    dict.fromkeys(
        [p for f in FRAMEWORK_FACTS.values() for p in f["packages"]]
        + [p for s in STACK_FACTS.values() for p in s["packages"]]
        + ["numpy", "nvidia-ml-py"]
    )
)


def keras_backend() -> str:
    """KERAS_BACKEND as Keras 3 reads it from the environment (its default: tensorflow)."""
    return os.environ.get("KERAS_BACKEND", "tensorflow")


def framework_of(stack: str, backend: str) -> str:
    """The one answer to "which framework": the stack's only one, or else the Keras backend's."""
    frameworks = STACK_FACTS[stack]["frameworks"]
    return frameworks[0] if len(frameworks) == 1 else backend


def framework_name(framework: str) -> str:
    return FRAMEWORK_FACTS[framework]["name"] if framework in FRAMEWORK_FACTS else framework


def stack_name(stack: str, framework: str) -> str:
    """The stack's name in headlines, with the framework it computed on."""
    return STACK_FACTS[stack]["name"].format(framework=framework_name(framework))


def backend_problem(stack: str, backend: str) -> str | None:
    """Why a stack that runs Keras 3 cannot run on this Keras backend, or None (a stack without Keras
    ignores KERAS_BACKEND)."""
    frameworks = STACK_FACTS[stack]["frameworks"]
    if not STACK_FACTS[stack]["keras_backend"] or backend in frameworks:
        return None
    names = ", ".join(map(framework_name, frameworks))
    others = [name for name, s in STACK_FACTS.items() if s["keras_backend"] and backend in s["frameworks"]]
    fix = f"pass --stack {others[0]}" if others else f"set KERAS_BACKEND to {' or '.join(frameworks)}"
    return f"the {stack} stack runs on {names}, not KERAS_BACKEND={backend}: {fix}"


def stack_problem(stack: str, backend: str) -> str | None:
    """Why the stack cannot run in this Python environment, found before its framework is imported
    (Keras itself would fail on a bad KERAS_BACKEND with a traceback)."""
    problem = backend_problem(stack, backend)
    if problem:
        return problem
    framework = FRAMEWORK_FACTS[framework_of(stack, backend)]
    if importlib.util.find_spec(framework["import"]) is None:
        return (
            f"the {stack} stack needs {framework['name']}, which is not installed in this Python environment: "
            f"{framework['install']}"
        )
    return None
