"""Which recurrent kernel really ran, read from the framework's own record of a step.

The option we passed (`use_cudnn`) is not evidence: Keras' torch backend, for one,
quietly falls back to its plain loop when the cuDNN call fails.
"""

from __future__ import annotations

import numpy as np

from ..errors import PROVENANCE, Failure
from ..registry import FRAMEWORK_FACTS
from . import framework


class ProvenanceError(Failure):
    """The kernel that ran is not the kernel the model name promises."""

    status = PROVENANCE


def kernel_evidence(model, x: np.ndarray, y: np.ndarray) -> dict:
    """Record one training step of `model` on (x, y) and summarise its recurrent ops, as the framework's
    facts name them (stacks.json: cudnn_op, loop_op)."""
    chosen = framework.current()
    method, ops = chosen.kernel_ops(model, x, y)
    facts = FRAMEWORK_FACTS[chosen.NAME]
    cudnn = {op: n for op, n in ops.items() if facts.cudnn_op.search(op)}
    return {
        "method": method,
        "ran_cudnn": bool(cudnn),
        "cudnn_ops": dict(sorted(cudnn.items())),
        "loop_ops": {op: n for op, n in sorted(ops.items()) if facts.loop_op.search(op)},
    }


def check(name: str, expects_cudnn: bool, evidence: dict) -> None:
    if evidence["ran_cudnn"] != expects_cudnn:
        found = ", ".join(evidence["cudnn_ops"]) or "no cuDNN op"
        want = "a cuDNN RNN kernel" if expects_cudnn else "no cuDNN kernel"
        raise ProvenanceError(
            f"{name} should have run {want}, but {evidence['method']} shows {found}. "
            "Its timing would be mislabelled, so the run stops here."
        )
