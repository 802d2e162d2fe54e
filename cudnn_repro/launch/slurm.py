"""Past one machine: a sweep (sweep.py) submitted as Slurm job arrays with submitit.

One summary job waits for every array (afterany) and runs `compare` over <out>/runs/, listing
the tasks that did not finish. A preempted or timed-out task is requeued (submitit's
checkpointing) and resumes its results file. Only submitit_api.py touches submitit's private
names.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import submitit

from .. import task_status
from ..results import now
from .submitit_api import SUBMIT_MODULE, sbatch_script
from .sweep import MAX_TIMEOUTS, Sweep, Task, TaskFailed


class ReproductionTask(submitit.helpers.Checkpointable):
    """One array task: the reproduction's command, its log and status in its run folder."""

    def __init__(self, task: Task, command: list[str], env: dict[str, str]):
        self.task, self.command, self.env = task, command, env

    def __call__(self) -> None:
        run_dir, job = self.task.run_dir, submitit.JobEnvironment()
        run_dir.mkdir(parents=True, exist_ok=True)
        task_status.record(
            run_dir, task_status.RUNNING, job_id=job.job_id, host=job.hostname, command=shlex.join(self.command)
        )
        log_path = run_dir / task_status.LOG_NAME
        with log_path.open("a") as log:
            print(f"== {now()} job {job.job_id} on {job.hostname}: {shlex.join(self.command)}", file=log, flush=True)
            try:
                code = subprocess.run(
                    self.command, env=os.environ | self.env, stdout=log, stderr=subprocess.STDOUT
                ).returncode
            except OSError as error:  # the runtime (apptainer, srun) is not on this node
                reason = f"cannot start {self.command[0]} on {job.hostname}: {error.strerror or error}"
                task_status.record(run_dir, task_status.FAILED, exit_code=None, reason=reason)
                raise TaskFailed(f"{self.task.name}: {reason}") from error
        if code == 0:
            task_status.record(run_dir, task_status.DONE, exit_code=0)
            return
        if code == -signal.SIGTERM:  # Slurm's stop signal: preemption, requeue, cancel or the time limit
            reason = "stopped by Slurm (SIGTERM); a requeued task starts again and resumes its results"
            task_status.record(run_dir, task_status.PREEMPTED, exit_code=code, reason=reason)
        else:
            reason = task_status.reason_from_log(log_path)
            task_status.record(run_dir, task_status.FAILED, exit_code=code, reason=reason)
        raise TaskFailed(f"{self.task.name}: exit {code}: {reason} (log: {log_path})")

    def checkpoint(self) -> submitit.helpers.DelayedSubmission:
        """Preempted or out of time: requeue the same task; it resumes its results (never --force again)."""
        task_status.record(self.task.run_dir, task_status.REQUEUED)
        command = [part for part in self.command if part != "--force"]
        return submitit.helpers.DelayedSubmission(ReproductionTask(self.task, command, self.env))


class SummaryTask:
    """The job after every array: one SUMMARY.md over the sweep's run folders."""

    def __init__(self, out: Path):
        self.out = out.resolve()

    def __call__(self) -> None:
        from ..judge.claims import load_article
        from ..judge.run_sets import summarise
        from ..render.summary import write_summary

        article = load_article()
        print(f"summary: {write_summary(summarise([self.out / 'runs'], self.out, article), self.out, article)}")


def scripts(sweep: Sweep) -> str:
    """The job scripts a submission would send to sbatch, each task's command under its array."""
    python = f"{shlex.quote(sys.executable)} -u -m {SUBMIT_MODULE} {shlex.quote(str(sweep.logs.resolve()))}"
    data = f"# data: {sweep.imdb}" if sweep.imdb else "# data: IMDB-shaped synthetic (no imdb.npz here), flagged"
    parts, ids = [data], []
    for i, gpu in enumerate(sweep.gpus):
        tasks = sweep.tasks(gpu)
        ids.append(f"<array {i + 1}>")
        array = len(tasks) if len(tasks) > 1 else None
        text = sbatch_script(
            command=python, folder=sweep.logs.resolve(), map_count=array, **sweep.array_parameters(gpu)
        )
        lines = [f"# array {i + 1} ({gpu.name}): {len(tasks)} task(s), each run by submitit as:"]
        for n, task in enumerate(tasks):
            command, env = sweep.command(task)
            env_text = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
            lines.append(f"#   task {n}: {env_text} {shlex.join(command)}")
        parts.append("\n".join(lines) + "\n" + text)
    summary = sbatch_script(command=python, folder=sweep.logs.resolve(), **sweep.summary_parameters(ids))
    parts.append(f"# summary job: compare over {sweep.out / 'runs'}, after every array\n{summary}")
    return "\n\n".join(parts)


def submit(sweep: Sweep) -> tuple[list[str], str]:
    """Submit every array, then the summary after them; return their Slurm job ids."""
    array_ids = []
    for gpu in sweep.gpus:
        executor = submitit.SlurmExecutor(folder=sweep.logs, max_num_timeout=MAX_TIMEOUTS)
        executor.update_parameters(**sweep.array_parameters(gpu))
        tasks = sweep.tasks(gpu)
        with executor.batch():
            jobs = [executor.submit(ReproductionTask(task, *sweep.command(task))) for task in tasks]
        array_ids.append(jobs[0].job_id.split("_")[0])
        for task, job in zip(tasks, jobs, strict=True):
            # Listed from now on: a task cancelled before it starts is still in the summary.
            queued = {"task": task.name, "job_id": job.job_id, "runtime": sweep.runtime}
            task_status.record(task.run_dir, task_status.QUEUED, **queued)
    executor = submitit.SlurmExecutor(folder=sweep.logs, max_num_timeout=0)
    executor.update_parameters(**sweep.summary_parameters(array_ids))
    return array_ids, executor.submit(SummaryTask(sweep.out)).job_id
