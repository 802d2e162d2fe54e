"""Exit codes, one meaning each (README's table), and the errors that carry them.

Every expected failure is a `Failure` whose class says which code it exits with, so the one
error boundary in cli.main turns any of them into one line and its code; 4 and 5 are
`report --check`'s and `compare --check`'s outcomes (judge/reconcile.py decides which).
"""

from __future__ import annotations

OK, INPUT_ERROR, USAGE, PROVENANCE, ENGINE, CONTAINER_FAILED, SCHEDULER, INTERNAL, SELF_TEST, INTERRUPTED = (
    0, 1, 2, 3, 6, 7, 8, 9, 10, 130
)  # fmt: skip
# --check: every claim reproduced is OK; some claim firmly not reproduced; none refuted, but some
# inconclusive, indicative or not verifiable.
SOME_NOT_REPRODUCED, UNDECIDED = 4, 5


class Failure(Exception):
    """An expected failure: its message is the whole story for the user, its status the exit code."""

    status = INPUT_ERROR


class EngineFailure(Failure):
    status = ENGINE


class SchedulerFailure(Failure):
    status = SCHEDULER
