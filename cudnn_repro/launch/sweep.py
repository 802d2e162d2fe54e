"""A Slurm sweep as data: its GPU kinds, its stack/backend tasks, each task's run folder and command.

A Slurm job asks for one partition and one GRES, so each GPU kind gets its own job array;
its tasks are the stack/backend combinations asked for, each writing its own run folder,
<out>/runs/<site>-<gpu>-<stack>-<backend>/. Everything here is checked where it enters; slurm.py
submits it (submitit), and the command line's parser reads it without loading submitit.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import ROOT
from ..errors import Failure
from ..folders import foreign_problem, run_folder_name, short_hostname
from ..registry import FRAMEWORK_FACTS, FRAMEWORKS, IMAGE_FRAMEWORKS, STACK_FACTS, STACKS, framework_name
from ..variables import OFFLINE_ENV, RUNTIME_ENV
from .image import INNER_IMDB, INNER_OUT, INNER_REPRODUCE

RUNTIMES = ("venv", "apptainer", "pyxis", "docker")
DEFAULT_SWEEP = ",".join(f"{stack}/{framework}" for stack, s in STACK_FACTS.items() for framework in s.frameworks)
# Minutes a task may run, by profile; one that runs out is requeued and resumes its results.
TIME_LIMITS = {"smoke": 10, "quick": 30, "paper": 240}
SUMMARY_MINUTES = 15
# Each job script puts this package first on the path: submitit unpickles the task there, and
# a checkout's package is then found from any working folder.
SETUP = [f"export PYTHONPATH={shlex.quote(str(ROOT))}${{PYTHONPATH:+:$PYTHONPATH}}"]
MAX_TIMEOUTS = 3  # requeues after running out of time, per task (preemptions are not counted)
MAX_MINUTES, MAX_CPUS = 7 * 24 * 60, 1024  # beyond them, --time or --cpus-per-task is a typo
# A site or GPU name becomes part of a run folder's name: letters, digits and inner dashes only,
# so no name can climb out of <out>/runs/ or say anything to a shell.
NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?")
# What a value on an #SBATCH line may hold (partitions, GRES, constraints, accounts): Slurm's own
# syntax and nothing a shell or a new script line could make use of.
SLURM_VALUE = re.compile(r"[\w.:&|\[\]*+-]{1,200}", re.ASCII)


class SweepError(Failure):
    """A sweep that cannot be submitted as asked; the message says what to change."""


def checked(pattern: re.Pattern, value: str, what: str) -> str:
    if not pattern.fullmatch(value):
        allowed = "letters, digits and inner dashes" if pattern is NAME else "letters, digits and _ . : & | [ ] * + -"
        raise SweepError(f"{what} {value!r}: only {allowed}")
    return value


class TaskFailed(RuntimeError):
    """The task's command exited non-zero; Slurm then records the task as failed."""


@dataclass(frozen=True)
class GpuKind:
    name: str
    partition: str | None = None
    gres: str | None = "gpu:1"  # None: no GPU asked for (the CPU-only smoke test)
    constraint: str | None = None

    @classmethod
    def parse(cls, text: str) -> GpuKind:
        """NAME[,partition=P][,gres=G|none][,constraint=C], e.g. `a100,partition=gpu,gres=gpu:a100:1`."""
        name, *pairs = text.split(",")
        fields: dict[str, str | None] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep or key not in ("partition", "gres", "constraint") or key in fields:
                raise SweepError(f"--gpu {text!r}: expected NAME[,partition=P][,gres=G|none][,constraint=C]")
            fields[key] = None if value == "none" else checked(SLURM_VALUE, value, f"--gpu {key}")
        return cls(checked(NAME, name, "--gpu name (it names run folders)"), **fields)

    @property
    def has_gpu(self) -> bool:
        return self.gres is not None


def default_site() -> str:
    return short_hostname()


def parse_sweep(text: str) -> tuple[tuple[str, str], ...]:
    """`stack/framework,...`, each framework one its stack runs on (stacks.json)."""
    combos = []
    for item in text.split(","):
        stack, _, backend = item.partition("/")
        if stack not in STACKS or backend not in FRAMEWORKS:
            raise SweepError(
                f"--sweep {item!r}: expected STACK/BACKEND with a stack in {STACKS}, backend in {FRAMEWORKS}"
            )
        frameworks = STACK_FACTS[stack].frameworks
        if backend not in frameworks:
            only = " or ".join(framework_name(f) for f in frameworks)
            choices = ", ".join(f"{stack}/{f}" for f in frameworks)
            raise SweepError(f"--sweep {item}: the {stack} stack runs on {only} only ({choices})")
        combos.append((stack, backend))
    return tuple(dict.fromkeys(combos))


@dataclass(frozen=True)
class Task:
    name: str
    gpu: GpuKind
    stack: str
    backend: str
    run_dir: Path


@dataclass(frozen=True)
class Sweep:
    out: Path
    site: str
    gpus: tuple[GpuKind, ...]
    combos: tuple[tuple[str, str], ...]
    run_options: tuple[str, ...]  # forwarded to every task's `run`, without --stack and --out
    profile: str  # the run options' profile, in each run folder's name
    runtime: str
    image: Path | None
    imdb: Path | None  # resolved on the submitting host; None: synthetic data, flagged
    account: str | None
    time_min: int
    cpus_per_task: int

    def __post_init__(self) -> None:
        checked(NAME, self.site, "--site (it names run folders)")
        if self.account is not None:
            checked(SLURM_VALUE, self.account, "--account")
        if self.runtime == "venv":
            missing = sorted(
                {b for _, b in self.combos if importlib.util.find_spec(FRAMEWORK_FACTS[b].import_name) is None}
            )
            if missing:
                raise SweepError(f"--sweep asks for {', '.join(missing)}, not installed in this venv ({sys.prefix})")
        elif any(b not in IMAGE_FRAMEWORKS for _, b in self.combos):
            held = " and ".join(map(framework_name, IMAGE_FRAMEWORKS))
            only = "|".join(IMAGE_FRAMEWORKS)
            raise SweepError(f"the pinned image holds {held} only: --runtime {self.runtime} runs */{only}")
        if self.image is not None and not self.image.is_file():
            raise SweepError(f"--image {self.image}: no such file (build it with `make image-archive`, docs/slurm.md)")
        for gpu in self.gpus:
            for task in self.tasks(gpu):  # every run folder inside <out>/runs/, none someone else's, or refused now
                problem = foreign_problem(task.run_dir, "the run folder")
                if problem:
                    raise SweepError(problem)

    @property
    def logs(self) -> Path:
        return self.out / "slurm"

    def tasks(self, gpu: GpuKind) -> list[Task]:
        tasks, runs = [], (self.out / "runs").resolve()
        for stack, backend in self.combos:
            name = run_folder_name(self.site, gpu.name, stack, backend, self.profile)
            run_dir = (runs / name).resolve()
            if run_dir.parent != runs:  # names are checked; this is the rule they serve
                raise SweepError(f"run folder {run_dir} would not be inside {runs}")
            tasks.append(Task(name, gpu, stack, backend, run_dir))
        return tasks

    def array_parameters(self, gpu: GpuKind) -> dict:
        slurm = {"partition": gpu.partition, "gres": gpu.gres, "constraint": gpu.constraint, "account": self.account}
        return {k: v for k, v in slurm.items() if v} | {
            "job_name": f"cudnn-repro-{gpu.name}",
            "setup": SETUP,
            "time": self.time_min,
            "cpus_per_task": self.cpus_per_task,
        }

    def summary_parameters(self, array_ids: list[str]) -> dict:
        slurm = {"partition": self.gpus[0].partition, "account": self.account}
        return {k: v for k, v in slurm.items() if v} | {
            "job_name": "cudnn-repro-summary",
            "setup": SETUP,
            "time": SUMMARY_MINUTES,
            "cpus_per_task": 1,
            "dependency": "afterany:" + ":".join(array_ids),
        }

    def command(self, task: Task) -> tuple[list[str], dict[str, str]]:
        """What one task runs, and what it adds to the environment."""
        run = [*self.run_options, "--stack", task.stack]
        env = {"KERAS_BACKEND": task.backend, RUNTIME_ENV: self.runtime}
        if self.imdb is None:
            env[OFFLINE_ENV] = "1"  # synthetic data, flagged in the results; no download from a compute node
        here = ["--imdb-path", str(self.imdb)] if self.imdb else []
        if self.runtime == "venv":
            return [sys.executable, "-m", "cudnn_repro", "run", *run, *here, "--out", str(task.run_dir)], env
        if self.runtime == "docker":
            variant = "gpu" if task.gpu.has_gpu else "cpu"
            archive = ["--image-archive", str(self.image)]
            command = ["container", "--variant", variant, *archive, *run, *here, "--out", str(task.run_dir)]
            return [sys.executable, "-m", "cudnn_repro", *command], env
        inner = ["python", INNER_REPRODUCE, "run", *run, "--out", INNER_OUT]
        binds = [f"{task.run_dir}:{INNER_OUT}"]
        if self.imdb:
            inner += ["--imdb-path", INNER_IMDB]
            binds.append(f"{self.imdb}:{INNER_IMDB}:ro")
        if self.runtime == "apptainer":
            image = f"docker-archive://{self.image}" if self.image.suffix == ".tar" else str(self.image)
            flags = ["--nv"] if task.gpu.has_gpu else []
            flags += ["--containall", "--no-home"]
            for bind in binds:
                flags += ["--bind", bind]
            for key, value in env.items():
                flags += ["--env", f"{key}={value}"]
            return ["apptainer", "exec", *flags, image, *inner], {}
        # pyxis: a job step in the image (an enroot squashfs), inside this task's allocation
        mounts = ",".join(binds)
        step = ["srun", "--overlap", "--ntasks=1", f"--container-image={self.image}", f"--container-mounts={mounts}"]
        return [*step, "--no-container-mount-home", *inner], env
