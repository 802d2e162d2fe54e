"""The stacks and frameworks this package knows, read once from stacks.json into typed facts: what the
host side asks about them (which framework a stack computes on, the kernel its plain layers run, the
deviations a report lists, why it cannot run here) without importing any.

A stack or framework is added by its module and its entry in stacks.json (docs/adding-a-stack.md);
$CUDNN_REPRO_STACKS names a file of the same form, merged over the package's, to try one outside it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .variables import STACKS_ENV


@dataclass(frozen=True)
class PlainKernel:
    """A kind of kernel a plain LSTM/GRU runs, in words."""

    name: str  # "a compiled graph loop over the time steps"
    short: str  # "graph loop"


@dataclass(frozen=True)
class DeviationTemplate:
    """A deviation from the article a stack always has, or has under some settings: its text's {fields}
    are filled from the results file (render/deviations.py)."""

    text: str
    when: Mapping[str, object]  # every named setting has this value; empty: always

    def applies(self, settings: Mapping[str, object]) -> bool:
        return all(settings.get(key) == value for key, value in self.when.items())


@dataclass(frozen=True)
class FrameworkFacts:
    key: str
    name: str
    module: str  # answers the Framework protocol (measure/framework.py)
    import_name: str  # the package it is imported as
    install: str
    packages: tuple[str, ...]  # whose versions a run records; the first is the framework's own wheel
    gpu_fix: str  # what to do when NVML sees a GPU the framework does not
    cudnn_fix: str  # what to do when a cuDNN op fails
    cudnn_op: re.Pattern  # an op or kernel name that proves a cuDNN recurrent kernel ran
    loop_op: re.Pattern  # one that shows a plain layer stepping through time
    in_image: bool  # this package's image computes with it

    def version(self, packages: Mapping[str, str]) -> tuple[str, str] | None:
        """(its recorded version, the wheel that gave it) where a run recorded one."""
        wheel = next((p for p in self.packages if p in packages), None)
        return (packages[wheel], wheel) if wheel else None


@dataclass(frozen=True)
class StackFacts:
    key: str
    name: str  # in headlines, "{framework}" filled by the framework's name
    summary: str  # the --stack help
    module: str  # builds its four models (a Stack, measure/stacks/)
    frameworks: tuple[str, ...]
    keras_backend: bool  # it runs Keras 3: KERAS_BACKEND chooses among its frameworks or must name its one
    math: str | None  # the math it fixes (None: --math chooses)
    math_why: str | None
    parameters_why: str | None  # why its parameter counts differ from Keras 2.0.9's (None: they do not)
    plain_kernels: Mapping[str, str]  # framework -> the kind of kernel its plain LSTM/GRU run there
    deviations: tuple[DeviationTemplate, ...]
    packages: tuple[str, ...]  # its own packages whose versions a run records
    recorded_settings: Mapping[str, str]  # what its runs record beyond the common settings, and what it means

    def plain_kernel(self, framework: str) -> str:
        return self.plain_kernels[framework]

    def deviations_for(self, settings: Mapping[str, object]) -> list[DeviationTemplate]:
        return [d for d in self.deviations if d.applies(settings)]


def _stack(key: str, entry: dict) -> StackFacts:
    kind = entry["plain_kernel"]
    return StackFacts(
        key=key, name=entry["name"], summary=entry["summary"], module=entry["module"],
        frameworks=tuple(entry["frameworks"]), keras_backend=entry["keras_backend"], math=entry["math"],
        math_why=entry["math_why"], parameters_why=entry["parameters_why"],
        plain_kernels=dict.fromkeys(entry["frameworks"], kind) if isinstance(kind, str) else dict(kind),
        deviations=tuple(
            DeviationTemplate(d, {}) if isinstance(d, str) else DeviationTemplate(d["text"], d["when"])
            for d in entry["deviations"]
        ),
        packages=tuple(entry["packages"]), recorded_settings=entry.get("recorded_settings", {}),
    )  # fmt: skip


def _framework(key: str, entry: dict) -> FrameworkFacts:
    return FrameworkFacts(
        key=key, name=entry["name"], module=entry["module"], import_name=entry["import"], install=entry["install"],
        packages=tuple(entry["packages"]), gpu_fix=entry["gpu_fix"], cudnn_fix=entry["cudnn_fix"],
        cudnn_op=re.compile(entry["cudnn_op"], re.I), loop_op=re.compile(entry["loop_op"], re.I),
        in_image=entry.get("in_image", False),
    )  # fmt: skip


def _load() -> dict:
    facts = json.loads(Path(__file__).with_name("stacks.json").read_text())
    extra = os.environ.get(STACKS_ENV)
    if extra:
        more = json.loads(Path(extra).read_text())
        for part in ("plain_kernels", "frameworks", "stacks"):
            facts[part] |= more.get(part, {})
    return facts


_FACTS = _load()
STACK_FACTS: dict[str, StackFacts] = {key: _stack(key, entry) for key, entry in _FACTS["stacks"].items()}
FRAMEWORK_FACTS: dict[str, FrameworkFacts] = {key: _framework(key, e) for key, e in _FACTS["frameworks"].items()}
PLAIN_KERNELS: dict[str, PlainKernel] = {key: PlainKernel(**entry) for key, entry in _FACTS["plain_kernels"].items()}
STACKS = tuple(STACK_FACTS)
DEFAULT_STACK = _FACTS["defaults"]["stack"]
DEFAULT_KERAS_BACKEND = _FACTS["defaults"]["keras_backend"]  # Keras 3's own, when KERAS_BACKEND is unset
FRAMEWORKS = tuple(FRAMEWORK_FACTS)
IMAGE_FRAMEWORKS = tuple(key for key, f in FRAMEWORK_FACTS.items() if f.in_image)  # no PyTorch, no JAX
# The math a stack fixes (why: its math_why); keras3's is --math's.
STACK_MATH = {name: s.math for name, s in STACK_FACTS.items() if s.math}
# Every package a run records the version of: the frameworks' and the stacks' own, and what all use.
PACKAGES = tuple(
    dict.fromkeys(
        [p for f in FRAMEWORK_FACTS.values() for p in f.packages]
        + [p for s in STACK_FACTS.values() for p in s.packages]
        + ["numpy", "nvidia-ml-py"]
    )
)


def keras_backend() -> str:
    """KERAS_BACKEND as Keras 3 reads it from the environment."""
    return os.environ.get("KERAS_BACKEND", DEFAULT_KERAS_BACKEND)


def framework_of(stack: str, backend: str) -> str:
    """The one answer to "which framework": the stack's only one, or else the Keras backend's."""
    frameworks = STACK_FACTS[stack].frameworks
    return frameworks[0] if len(frameworks) == 1 else backend


def framework_name(framework: str) -> str:
    return FRAMEWORK_FACTS[framework].name if framework in FRAMEWORK_FACTS else framework


def stack_name(stack: str, framework: str) -> str:
    """The stack's name in headlines, with the framework it computed on."""
    return STACK_FACTS[stack].name.format(framework=framework_name(framework))


def backend_problem(stack: str, backend: str) -> str | None:
    """Why a stack that runs Keras 3 cannot run on this Keras backend, or None (a stack without Keras
    ignores KERAS_BACKEND)."""
    facts = STACK_FACTS[stack]
    if not facts.keras_backend or backend in facts.frameworks:
        return None
    names = ", ".join(map(framework_name, facts.frameworks))
    others = [name for name, s in STACK_FACTS.items() if s.keras_backend and backend in s.frameworks]
    fix = f"pass --stack {others[0]}" if others else f"set KERAS_BACKEND to {' or '.join(facts.frameworks)}"
    return f"the {stack} stack runs on {names}, not KERAS_BACKEND={backend}: {fix}"


def stack_problem(stack: str, backend: str) -> str | None:
    """Why the stack cannot run in this Python environment, found before its framework is imported
    (Keras itself would fail on a bad KERAS_BACKEND with a traceback)."""
    problem = backend_problem(stack, backend)
    if problem:
        return problem
    framework = FRAMEWORK_FACTS[framework_of(stack, backend)]
    if importlib.util.find_spec(framework.import_name) is None:
        return (
            f"the {stack} stack needs {framework.name}, which is not installed in this Python environment: "
            f"{framework.install}"
        )
    return None
