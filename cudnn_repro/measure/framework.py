"""What a run asks of the framework it computes on, and which one that is while a run lasts.

A framework is a module (registered in stacks.json) that answers the Framework protocol below,
importing its library only when asked; nothing else in the package branches on a framework's name.
The framework is the stack's own or, for a stack that runs Keras 3 on several, Keras' backend.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, cast

from ..errors import Failure
from ..registry import FRAMEWORK_FACTS, STACK_FACTS, backend_problem, framework_of


class StackError(Failure):
    """The stack cannot run in this environment."""


class Framework(Protocol):
    NAME: str  # its key in stacks.json
    # The 2017 baseline ran no XLA; a framework with no uncompiled training path worth timing compiles
    # (a deviation the report lists).
    JIT_COMPILE: bool

    def cuda_status(self) -> tuple[bool, str]:
        """(usable, reason): whether it can run a cuDNN recurrent kernel here."""

    def no_cudnn_kernel(self, cell: str) -> str | None:
        """Why it has no cuDNN kernel for the cell at all, in its own words, or None."""

    def synchronize(self) -> None:
        """Wait for queued device work, so a clock read after it covers the work."""

    def set_tf32(self, enabled: bool) -> None:
        """Allow or forbid TF32 tensor-core math in float32 matmuls and cuDNN."""

    def tf32_flags(self) -> dict:
        """Its own TF32 switches as they stand, for the environment record."""

    def build_info(self) -> dict:
        """The CUDA and cuDNN it was built with, as the environment records them."""

    def missing_library(self) -> str | None:
        """Which of its GPU libraries cannot be loaded, when that explains an unseen GPU, or None."""

    def error_text(self, error: Exception) -> str:
        """What a failed op says, in the framework's own words (without its traceback of graph nodes)."""

    def kernel_ops(self, model, x, y) -> tuple[str, Counter]:
        """How one training step of `model` was recorded, and the ops or kernels it ran, counted."""


_selected: Framework | None = None


def load(name: str) -> Framework:
    return cast(Framework, importlib.import_module(FRAMEWORK_FACTS[name].module))


def of_stack(stack: str) -> Framework:
    """The stack's framework here; for a stack that runs Keras 3, Keras' backend as Keras reads it."""
    backend = ""
    if STACK_FACTS[stack].keras_backend:
        import keras

        backend = keras.backend.backend()
        problem = backend_problem(stack, backend)
        if problem:
            raise StackError(problem)
    return load(framework_of(stack, backend))


@contextmanager
def selected(stack: str) -> Iterator[Framework]:
    """current() answers for the stack's framework while a run lasts."""
    global _selected
    before, _selected = _selected, of_stack(stack)
    try:
        yield _selected
    finally:
        _selected = before


def current() -> Framework:
    """The selected framework; before any run selects one (a test, a benchmark), Keras 3's backend."""
    if _selected is None:
        import keras

        return load(keras.backend.backend())
    return _selected
