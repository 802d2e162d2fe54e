"""Exit codes, one meaning each (MEANINGS: the help's list and README's table), and the errors that carry them.

Every expected failure is a `Failure` whose class says which code it exits with, so the one
error boundary in cli.main turns any of them into one line and its code; 4 and 5 are
`report --check`'s and `compare --check`'s outcomes (judge/reconcile.py decides which).
"""

from __future__ import annotations

OK, INPUT_ERROR, USAGE, PROVENANCE, ENGINE, CONTAINER_FAILED, SCHEDULER, INTERNAL, SELF_TEST, INTERRUPTED = (
    0, 1, 2, 3, 6, 7, 8, 9, 10, 130
)  # fmt: skip
# --check over the gating claims (judge/outcomes.py says which answer gives which): every one reproduced
# (or not applicable on this hardware) is OK; some claim decided not reproduced; none refuted, some undecided.
SOME_NOT_REPRODUCED, SOME_UNDECIDED = 4, 5

MEANINGS = {
    OK: "done (`report --check`: every gating claim decided reproduced, or not applicable on this hardware)",
    INPUT_ERROR: "bad input: a dataset, results file, output folder or stack that cannot be used",
    USAGE: "bad command line",
    PROVENANCE: "a model ran another kernel than its name promises (the run stops)",
    SOME_NOT_REPRODUCED: "`report --check`: some claim decided not reproduced "
    "(`compare --check`: on a counted run set)",
    SOME_UNDECIDED: "`report --check`, `compare --check`: none refuted, some inconclusive, indicative "
    "or not verifiable",
    ENGINE: "no usable Docker engine or GPU runtime, or the image could not be made",
    CONTAINER_FAILED: "the container failed (its log is kept beside the results)",
    SCHEDULER: "`slurm`: Slurm refused the submission (sbatch's own message follows), or `sbatch` is missing",
    INTERNAL: "a bug: one line names the file holding the traceback; please report it",
    SELF_TEST: "the GPU stack failed (the self-test before a run, or `check-gpu-stack`), with the cause and the fix",
    INTERRUPTED: "interrupted (Ctrl-C): finished runs are kept, the same command resumes",
}


def exit_code_help() -> str:
    """The exit codes as `--help` lists them."""
    return "exit codes:\n" + "\n".join(f"  {code:<4} {text.replace('`', '')}" for code, text in MEANINGS.items())


class Failure(Exception):
    """An expected failure: its message is the whole story for the user, its status the exit code."""

    status = INPUT_ERROR
    prefix = "error: "  # what cli's boundary prints before the message


class Interrupted(Failure):
    """Ctrl-C during a run: what was kept, and how to go on."""

    status = INTERRUPTED
    prefix = "\n"


class Terminated(BaseException):
    """SIGTERM (kill, timeout, Slurm's stop) while this process runs a container: raised, not obeyed at
    once, so that the container is stopped first; cli.main then ends the process by the signal."""


class SchedulerError(Failure):
    """Slurm is missing or refused the submission."""

    status = SCHEDULER


class UsageError(Failure):
    """A bad command line that only a command can see (a combination of values): argparse's exit 2."""

    status = USAGE


class EngineFailure(Failure):
    status = ENGINE
