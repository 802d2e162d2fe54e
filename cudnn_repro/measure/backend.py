"""What differs between the frameworks a run computes on: GPU detection, XLA choice, device sync.

Each function asks the framework's own library, imported only when it is the one in use. The
framework is the stack's (keras2: TensorFlow, torch: PyTorch) or, for keras3, KERAS_BACKEND's;
the torch stack never imports Keras.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import Failure
from ..settings import STACK_FRAMEWORKS, keras_backend_problem

_selected: str | None = None


class StackError(Failure):
    """The stack cannot run in this environment."""


def framework_of(stack: str) -> str:
    """The stack's framework: its own, or for keras3 Keras 3's backend."""
    if stack == "torch":
        return "torch"
    import keras

    problem = keras_backend_problem(stack, keras.backend.backend())
    if problem:
        raise StackError(problem)
    return STACK_FRAMEWORKS.get(stack, keras.backend.backend())


@contextmanager
def selected(stack: str) -> Iterator[str]:
    """Every function here answers for the stack's framework while a run lasts."""
    global _selected
    before, _selected = _selected, framework_of(stack)
    try:
        yield _selected
    finally:
        _selected = before


def name() -> str:
    """The selected framework; before any run selects one (a test, a benchmark), Keras 3's backend."""
    if _selected is None:
        import keras

        return keras.backend.backend()
    return _selected


def jit_compile() -> bool:
    """The 2017 baseline ran no XLA, so TensorFlow and torch run without it; JAX has no
    uncompiled training path worth timing, so it compiles (listed as a deviation)."""
    return name() == "jax"


def cuda_status() -> tuple[bool, str]:
    """(usable, reason): whether this backend can run a cuDNN recurrent kernel here."""
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        if not tf.test.is_built_with_cuda():
            return False, "this TensorFlow build has no CUDA support"
        if not tf.config.list_physical_devices("GPU"):
            return False, "no CUDA GPU visible to TensorFlow"
        return True, "CUDA GPU visible to TensorFlow"
    if backend == "torch":
        import torch

        if not torch.cuda.is_available():
            return False, "no CUDA GPU visible to PyTorch (torch.cuda.is_available() is False)"
        if not torch.backends.cudnn.is_available():
            return False, "PyTorch sees a GPU but has no cuDNN"
        return True, "CUDA GPU and cuDNN visible to PyTorch"
    if backend == "jax":
        import jax

        if not any(d.platform == "gpu" for d in jax.devices()):
            return False, "no CUDA GPU visible to JAX"
        return True, "CUDA GPU visible to JAX"
    return False, f"backend {backend!r} has no cuDNN recurrent kernel"


def no_cudnn_kernel(cell: str) -> str | None:
    """Why this backend has no cuDNN kernel for the cell at all, as it reports it, or None.

    Keras 3's JAX GRU with use_cudnn=True runs a lax.scan instead (there is no cuDNN GRU in
    JAX), so it is "not run", never timed as cuDNN.
    """
    if name() == "jax" and cell == "GRU":
        from jax.experimental import rnn

        if not hasattr(rnn, "gru"):
            return "JAX has no cuDNN GRU (jax.experimental.rnn offers only lstm)"
    return None


def synchronize() -> None:
    """Wait for queued torch CUDA work, so a clock read after it covers the work.
    (TensorFlow and JAX are synchronised by reading a result, see timing.py.)"""
    if name() == "torch":
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()


def set_tf32(enabled: bool) -> None:
    """Allow or forbid TF32 tensor-core math for float32 matmuls and cuDNN.

    All three backends use TF32 by default on Ampere and newer GPUs (torch: in cuDNN only);
    the article's GTX 1060 computed full FP32, so the package turns it off unless asked.
    """
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_tensor_float_32_execution(enabled)
    elif backend == "torch":
        import torch

        torch.backends.cuda.matmul.allow_tf32 = enabled
        torch.backends.cudnn.allow_tf32 = enabled
    elif backend == "jax":
        import jax

        jax.config.update("jax_default_matmul_precision", "tensorfloat32" if enabled else "highest")


def tf32_flags() -> dict:
    """The backend's own TF32 switches as they stand, read back for the environment record."""
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        return {"tensor_float_32_execution": tf.config.experimental.tensor_float_32_execution_enabled()}
    if backend == "torch":
        import torch

        return {
            "cuda.matmul.allow_tf32": torch.backends.cuda.matmul.allow_tf32,
            "cudnn.allow_tf32": torch.backends.cudnn.allow_tf32,
        }
    if backend == "jax":
        import jax

        return {"jax_default_matmul_precision": jax.config.jax_default_matmul_precision}
    return {}
