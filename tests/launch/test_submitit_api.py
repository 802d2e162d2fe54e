"""submitit's private names, through the one wrapper that uses them: a submitit release that moves
or changes them fails here, loudly, not in an evaluator's dry run."""

import importlib
import importlib.metadata
import inspect
import re

from helpers import ROOT

from cudnn_repro.launch import submitit_api


def test_submitit_is_the_pinned_release():
    pinned = re.search(r"^submitit==(\S+)", (ROOT / "requirements" / "runtime.lock").read_text(), re.M)
    assert importlib.metadata.version("submitit") == pinned.group(1)


def test_the_job_script_maker_takes_every_parameter_the_sweep_passes():
    from submitit.slurm.slurm import _make_sbatch_string

    accepted = set(inspect.signature(_make_sbatch_string).parameters)
    passed = {"command", "folder", "map_count", "job_name", "setup", "time", "cpus_per_task", "partition",
              "gres", "constraint", "account", "dependency"}  # fmt: skip
    assert passed <= accepted, passed - accepted
    script = submitit_api.sbatch_script(command="python -m x", folder="/tmp/logs", job_name="j", time=5, map_count=2)
    assert script.startswith("#!/bin/bash") and "#SBATCH --job-name=j" in script and "#SBATCH --array=0-1" in script


def test_the_module_job_scripts_run_exists_and_takes_a_folder():
    module = importlib.import_module(submitit_api.SUBMIT_MODULE)
    assert callable(module.submitit_main)
