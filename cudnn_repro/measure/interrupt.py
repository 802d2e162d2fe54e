"""Ctrl-C that always stops a run.

Python raises KeyboardInterrupt wherever the main thread happens to be when the signal
lands; inside a garbage-collector callback (JAX's, TensorFlow's) it is printed as
"Exception ignored" and the run goes on. So the signal only sets a flag, and the run raises
KeyboardInterrupt itself at its checkpoints: every batch, epoch and model. A second Ctrl-C
interrupts at once, as Python would.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_requested = threading.Event()


def _request(signum, frame) -> None:
    _requested.set()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the next one is immediate


@contextmanager
def deferred() -> Iterator[None]:
    """Within this block, Ctrl-C is acted on at the run's checkpoints."""
    _requested.clear()
    previous = signal.signal(signal.SIGINT, _request)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _requested.clear()


def checkpoint() -> None:
    if _requested.is_set():
        raise KeyboardInterrupt
