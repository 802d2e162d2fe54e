"""PyTorch as a run's framework (measure/framework.py's Framework)."""

from __future__ import annotations

import os
from collections import Counter

NAME = "torch"
JIT_COMPILE = False  # no torch.compile, as in 2017


def cuda_status() -> tuple[bool, str]:
    import torch

    if not torch.cuda.is_available():
        return False, "no CUDA GPU visible to PyTorch (torch.cuda.is_available() is False)"
    if not torch.backends.cudnn.is_available():
        return False, "PyTorch sees a GPU but has no cuDNN"
    return True, "CUDA GPU and cuDNN visible to PyTorch"


def no_cudnn_kernel(cell: str) -> str | None:
    return None


def synchronize() -> None:
    """Wait for queued CUDA work, so a clock read after it covers the work."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def set_tf32(enabled: bool) -> None:
    """PyTorch uses TF32 in cuDNN by default on Ampere and newer GPUs; the article's GTX 1060 computed full FP32."""
    import torch

    torch.backends.cuda.matmul.allow_tf32 = enabled
    torch.backends.cudnn.allow_tf32 = enabled


def tf32_flags() -> dict:
    import torch

    return {"cuda.matmul.allow_tf32": torch.backends.cuda.matmul.allow_tf32,
            "cudnn.allow_tf32": torch.backends.cudnn.allow_tf32}  # fmt: skip


def build_info() -> dict:
    import torch

    cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    return {"cuda": torch.version.cuda, "cudnn": cudnn}


def missing_library() -> str | None:
    return None


def error_text(error: Exception) -> str:
    return str(error)


def kernel_ops(model, x, y) -> tuple[str, Counter]:
    import torch
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(ProfilerActivity.CUDA)
    os.environ.setdefault("KINETO_LOG_LEVEL", "5")  # no "gpuGetDeviceCount failed" line on a CPU
    with profile(activities=activities, acc_events=True) as prof:
        model.train_on_batch(x, y)
        synchronize()
    return "torch.profiler events of one train_on_batch", Counter({e.key: e.count for e in prof.key_averages()})
