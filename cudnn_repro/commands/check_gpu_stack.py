"""`check-gpu-stack`: TensorFlow's CUDA build and every CUDA library it opens, against the GPU lock."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import ROOT
from ..errors import OK, Failure
from ..launch.image import LOCKS
from .options import path

HELP = "check TensorFlow's CUDA build and every CUDA library it opens against the GPU lock (no GPU needed)"
GPU_LOCK = ROOT / "requirements" / LOCKS["gpu"]


def add_parser(sub) -> argparse.ArgumentParser:
    stack = sub.add_parser("check-gpu-stack", help=HELP)
    stack.add_argument("--lock", type=path, default=GPU_LOCK, help=f"the lock to check against (default {GPU_LOCK})")
    return stack


def main(args: argparse.Namespace) -> int:
    return check_gpu_stack(args.lock)


def check_gpu_stack(lock: Path) -> int:
    """Print the GPU stack as TensorFlow would load it; fail (exit 10) on any difference from the lock."""
    from ..measure import gpu_stack

    if not lock.is_file():
        raise Failure(f"--lock {lock}: no such file")
    found = gpu_stack.examine(lock)
    print(gpu_stack.report(found, lock))
    if found.problems:
        raise gpu_stack.GpuStackError(
            f"the GPU stack differs from {lock.name} in {len(found.problems)} way(s), first: {found.problems[0]}"
        )
    return OK
