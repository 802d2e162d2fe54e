"""Which recurrent kernel really ran, read from the framework's own record of a step.

The option we passed (`use_cudnn`) is not evidence: Keras' torch backend, for one,
quietly falls back to its plain loop when the cuDNN call fails.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import PROVENANCE, Failure
from . import framework


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
    method, ops = framework.current().kernel_ops(model, x, y)
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
