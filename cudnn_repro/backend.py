"""What differs between Keras backends: GPU detection, XLA choice, device sync.

Each function asks the backend's own framework, imported only when it is the one in use.
"""

from __future__ import annotations

import keras


def name() -> str:
    return keras.backend.backend()


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


def synchronize() -> None:
    """Wait for queued torch CUDA work, so a clock read after it covers the work.
    (TensorFlow and JAX are synchronised by reading a result, see timing.py.)"""
    if name() == "torch":
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()
