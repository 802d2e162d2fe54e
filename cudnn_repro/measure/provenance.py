"""Which recurrent kernel really ran, read from the framework's own record of a step.

The option we passed (`use_cudnn`) is not evidence: Keras' torch backend, for one,
quietly falls back to its plain loop when the cuDNN call fails.
"""

from __future__ import annotations

import os
import re
from collections import Counter

import numpy as np

from ..errors import PROVENANCE, Failure
from . import backend


class ProvenanceError(Failure):
    """The kernel that ran is not the kernel the model name promises."""

    status = PROVENANCE


# A cuDNN kernel ran: any op or kernel named for cuDNN but PyTorch's query whether it could.
CUDNN_OP = re.compile(r"cudnn(?!_is_acceptable)", re.I)
# How a plain layer stepped through time: a graph loop, or PyTorch's per-step matmuls and fused cells.
# (On a CPU PyTorch's LSTM runs oneDNN's fused layer, mkldnn_rnn_layer.)
LOOP_OP = re.compile(r"while|scan|aten::mm$|_cell$|mkldnn_rnn_layer$", re.I)


def kernel_evidence(model, x: np.ndarray, y: np.ndarray) -> dict:
    """Record one training step of `model` on (x, y) and summarise its recurrent ops."""
    recorder = {"tensorflow": _tensorflow_ops, "torch": _torch_events, "jax": _jax_custom_calls}[backend.name()]
    method, ops = recorder(model, x, y)
    cudnn = {op: n for op, n in ops.items() if CUDNN_OP.search(op)}
    return {
        "method": method,
        "ran_cudnn": bool(cudnn),
        "cudnn_ops": dict(sorted(cudnn.items())),
        "loop_ops": {op: n for op, n in sorted(ops.items()) if LOOP_OP.search(op)},
    }


def check(name: str, expects_cudnn: bool, evidence: dict) -> None:
    if evidence["ran_cudnn"] != expects_cudnn:
        found = ", ".join(evidence["cudnn_ops"]) or "no cuDNN op"
        want = "a cuDNN RNN kernel" if expects_cudnn else "no cuDNN kernel"
        raise ProvenanceError(
            f"{name} should have run {want}, but {evidence['method']} shows {found}. "
            "Its timing would be mislabelled, so the run stops here."
        )


def _loss(y, pred):
    import keras

    return keras.ops.mean(keras.losses.binary_crossentropy(keras.ops.reshape(y, (-1, 1)), pred))


def _tensorflow_ops(model, x, y) -> tuple[str, Counter]:
    import tensorflow as tf

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = _loss(y, model(x, training=True))
        return tape.gradient(loss, model.trainable_variables)

    graph = step.get_concrete_function(tf.constant(x), tf.constant(y)).graph.as_graph_def()
    nodes = list(graph.node) + [n for f in graph.library.function for n in f.node_def]
    return "op types in the traced TensorFlow graph of one forward+backward step", Counter(n.op for n in nodes)


def _torch_events(model, x, y) -> tuple[str, Counter]:
    import torch
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
    os.environ.setdefault("KINETO_LOG_LEVEL", "5")  # no "gpuGetDeviceCount failed" line on a CPU
    with profile(activities=activities, acc_events=True) as prof:
        model.train_on_batch(x, y)
        backend.synchronize()
    return "torch.profiler events of one train_on_batch", Counter({e.key: e.count for e in prof.key_averages()})


def _jax_custom_calls(model, x, y) -> tuple[str, Counter]:
    import jax

    def loss(trainable, non_trainable, x, y):
        pred, _ = model.stateless_call(trainable, non_trainable, x, training=True)
        return _loss(y, pred)

    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    text = jax.jit(jax.grad(loss)).lower(trainable, non_trainable, x, y).as_text()
    ops = Counter(re.findall(r"custom_call @([\w.$-]+)", text))
    ops["stablehlo.while"] = text.count("stablehlo.while")
    return "custom calls and loops in the lowered JAX program of one forward+backward step", ops
