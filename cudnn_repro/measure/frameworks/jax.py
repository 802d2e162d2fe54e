"""JAX as a run's framework, through Keras 3 (measure/framework.py's Framework)."""

from __future__ import annotations

import re
from collections import Counter

from . import keras_loss

NAME = "jax"
JIT_COMPILE = True  # JAX has no uncompiled training path worth timing


def cuda_status() -> tuple[bool, str]:
    import jax

    if not any(d.platform == "gpu" for d in jax.devices()):
        return False, "no CUDA GPU visible to JAX"
    return True, "CUDA GPU visible to JAX"


def no_cudnn_kernel(cell: str) -> str | None:
    """Keras 3's JAX GRU with use_cudnn=True runs a lax.scan instead (there is no cuDNN GRU in JAX),
    so it is "not run", never timed as cuDNN."""
    if cell == "GRU":
        from jax.experimental import rnn

        if not hasattr(rnn, "gru"):
            return "JAX has no cuDNN GRU (jax.experimental.rnn offers only lstm)"
    return None


def synchronize() -> None:
    """Nothing to wait for: reading a result synchronises (timing.py)."""


def set_tf32(enabled: bool) -> None:
    """JAX uses TF32 by default on Ampere and newer GPUs; the article's GTX 1060 computed full FP32."""
    import jax

    jax.config.update("jax_default_matmul_precision", "tensorfloat32" if enabled else "highest")


def tf32_flags() -> dict:
    import jax

    return {"jax_default_matmul_precision": jax.config.jax_default_matmul_precision}


def build_info() -> dict:
    import jax

    return {"devices": [d.device_kind for d in jax.devices()]}


def missing_library() -> str | None:
    return None


def error_text(error: Exception) -> str:
    return str(error)


def kernel_ops(model, x, y) -> tuple[str, Counter]:
    import jax

    def loss(trainable, non_trainable, x, y):
        pred, _ = model.stateless_call(trainable, non_trainable, x, training=True)
        return keras_loss(y, pred)

    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    text = jax.jit(jax.grad(loss)).lower(trainable, non_trainable, x, y).as_text()
    ops = Counter(re.findall(r"custom_call @([\w.$-]+)", text))
    ops["stablehlo.while"] = text.count("stablehlo.while")
    return "custom calls and loops in the lowered JAX program of one forward+backward step", ops
