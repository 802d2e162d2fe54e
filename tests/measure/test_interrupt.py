"""Ctrl-C during a run: deferred to the next checkpoint, a second one at once."""

import os
import signal
import time

import pytest

from cudnn_repro.measure import interrupt


def test_ctrl_c_is_acted_on_at_the_next_checkpoint_and_a_second_one_at_once():
    with interrupt.deferred():
        os.kill(os.getpid(), signal.SIGINT)  # lands anywhere: only a flag is set
        with pytest.raises(KeyboardInterrupt):
            interrupt.checkpoint()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # Python raises it at the next bytecode
    interrupt.checkpoint()  # outside the block nothing is pending
