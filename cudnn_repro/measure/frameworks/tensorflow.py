"""TensorFlow as a run's framework (measure/framework.py's Framework)."""

from __future__ import annotations

from collections import Counter

from . import keras_loss

NAME = "tensorflow"
JIT_COMPILE = False  # XLA off, as in 2017


def cuda_status() -> tuple[bool, str]:
    import tensorflow as tf

    if not tf.test.is_built_with_cuda():
        return False, "this TensorFlow build has no CUDA support"
    if not tf.config.list_physical_devices("GPU"):
        return False, "no CUDA GPU visible to TensorFlow"
    return True, "CUDA GPU visible to TensorFlow"


def no_cudnn_kernel(cell: str) -> str | None:
    return None


def synchronize() -> None:
    """Nothing to wait for: reading a result synchronises (timing.py)."""


def set_tf32(enabled: bool) -> None:
    """TensorFlow uses TF32 by default on Ampere and newer GPUs; the article's GTX 1060 computed full FP32."""
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(enabled)


def tf32_flags() -> dict:
    import tensorflow as tf

    return {"tensor_float_32_execution": tf.config.experimental.tensor_float_32_execution_enabled()}


def build_info() -> dict:
    import tensorflow as tf

    build = tf.sysconfig.get_build_info()
    return {"cuda": build.get("cuda_version"), "cudnn": build.get("cudnn_version")}


def missing_library() -> str | None:
    """The first CUDA library of the lock that the loader cannot open (gpu_stack.py)."""
    from ..gpu_stack import first_missing

    missing = first_missing()
    return missing.error if missing else None


def error_text(error: Exception) -> str:
    """A graph error's own words: the paragraph after the traceback of the node that failed."""
    text = str(error)
    return text.strip().split("\n\n")[-1] if "Detected at node" in text else text


def kernel_ops(model, x, y) -> tuple[str, Counter]:
    import tensorflow as tf

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = keras_loss(y, model(x, training=True))
        return tape.gradient(loss, model.trainable_variables)

    graph = step.get_concrete_function(tf.constant(x), tf.constant(y)).graph.as_graph_def()
    nodes = list(graph.node) + [n for f in graph.library.function for n in f.node_def]
    return "op types in the traced TensorFlow graph of one forward+backward step", Counter(n.op for n in nodes)
