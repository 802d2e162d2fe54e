"""The two private names of submitit this package needs, in one place, tested against the pin.

submitit has no public call that returns the job script it would submit (the dry run prints it)
or names the module its job scripts run. tests/launch/test_submitit_api.py fails loudly if a
submitit release changes either.
"""

from __future__ import annotations

from submitit.slurm.slurm import _make_sbatch_string

SUBMIT_MODULE = "submitit.core._submit"  # what every submitit job script runs: python -m <this> <folder>


def sbatch_script(**parameters) -> str:
    """The sbatch script submitit writes for these SlurmExecutor parameters (command, folder, ...)."""
    return _make_sbatch_string(**parameters)
