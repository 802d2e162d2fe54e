"""A framework defined outside the package (measure/framework.py's Framework): NumPy on the CPU.
Registered by tests/fixtures/toy-stacks.json, for the test that a new stack needs no change to the package."""

from __future__ import annotations

from collections import Counter

NAME = "numpy"
JIT_COMPILE = False


def cuda_status() -> tuple[bool, str]:
    return False, "NumPy computes on the CPU only"


def no_cudnn_kernel(cell: str) -> str | None:
    return None


def synchronize() -> None:
    """NumPy is synchronous."""


def set_tf32(enabled: bool) -> None:
    """NumPy has no TF32."""


def tf32_flags() -> dict:
    return {}


def build_info() -> dict:
    return {"cuda": None, "cudnn": None}


def missing_library() -> str | None:
    return None


def error_text(error: Exception) -> str:
    return str(error)


def kernel_ops(model, x, y) -> tuple[str, Counter]:
    return "the toy model's own count of its steps", Counter({"toy_loop": 1})
