"""`slurm`: the run on a Slurm cluster, a job array per GPU kind and a task per stack/backend, then
one summary job (submitit)."""

from __future__ import annotations

import argparse
import shutil

from ..errors import OK, SchedulerError, UsageError
from ..launch.sweep import (
    DEFAULT_SWEEP,
    MAX_CPUS,
    MAX_MINUTES,
    NAME,
    RUNTIMES,
    SLURM_VALUE,
    TIME_LIMITS,
    GpuKind,
    checked,
    parse_sweep,
)
from . import door
from .options import add_run_options, argument, count, forwarded_run_options, path, settings_from

HELP = "the run on a Slurm cluster: a job array per GPU kind, one task per stack/backend, then one summary"


def add_parser(sub) -> argparse.ArgumentParser:
    slurm = sub.add_parser(
        "slurm",
        help=HELP,
        description="Submit the reproduction as Slurm job arrays (submitit): each task writes "
        "<out>/runs/<site>-<gpu>-<stack>-<backend>/, then a summary job writes <out>/SUMMARY.md. "
        "<out> must be on a filesystem every node sees.",
    )
    add_run_options(slurm, skip=("stack",))
    slurm.add_argument(
        "--gpu",
        action="append",
        type=argument(GpuKind.parse),
        help="a GPU kind: NAME[,partition=P][,gres=G|none][,constraint=C], once per kind "
        "(default: gpu,gres=gpu:1 on the default partition)",
    )
    slurm.add_argument(
        "--sweep",
        type=argument(parse_sweep),
        default=DEFAULT_SWEEP,
        help=f"stack/backend combinations, one task each (default {DEFAULT_SWEEP})",
    )
    slurm.add_argument(
        "--runtime",
        choices=RUNTIMES,
        default="venv",
        help="venv: this virtual environment (on the shared filesystem); apptainer, pyxis, docker: the pinned "
        "image given by --image (default venv)",
    )
    slurm.add_argument(
        "--image",
        type=path,
        help="apptainer: a .sif or the `make image-archive` .tar; pyxis: an enroot .sqsh; docker: the archive",
    )
    slurm.add_argument(
        "--account", type=argument(lambda text: checked(SLURM_VALUE, text, "--account")), help="Slurm account to charge"
    )
    slurm.add_argument(
        "--time",
        type=count(MAX_MINUTES),
        help="minutes per task (default by profile: "
        + ", ".join(f"{p} {m}" for p, m in TIME_LIMITS.items())
        + "); a task that runs out is requeued and resumes",
    )
    slurm.add_argument("--cpus-per-task", type=count(MAX_CPUS), default=8, help="CPU cores per task (default 8)")
    slurm.add_argument(
        "--site",
        type=argument(lambda text: checked(NAME, text, "--site")),
        help="the cluster's name in run folder names (default: this host's short name)",
    )
    slurm.add_argument(
        "--dry-run", action="store_true", help="print the job scripts and each task's command; submit nothing"
    )
    return slurm


def main(args: argparse.Namespace) -> int:
    """Submit the sweep (or print its job scripts); the dataset is found here, once, for every task."""
    settings = settings_from(args)
    if args.runtime != "venv" and args.image is None:
        raise UsageError(f"--runtime {args.runtime} needs --image (docs/slurm.md)")
    out = args.out or door.USER_ROOT / "slurm"
    door.check(settings, out, force=True, run_folder=False)  # each task resumes its own folder under it
    from submitit.core.utils import FailedJobError, FailedSubmissionError

    from ..launch.slurm import scripts, submit
    from ..launch.sweep import Sweep, default_site
    from ..measure.data import find_imdb

    # A SweepError or DatasetError goes to cli's boundary (one line, exit 1).
    npz = find_imdb(settings.data, args.imdb_path, download=not args.dry_run)
    sweep = Sweep(
        out=out,
        site=args.site or default_site(),
        gpus=tuple(args.gpu or [GpuKind.parse("gpu")]),
        combos=args.sweep,
        run_options=tuple(forwarded_run_options(args)),
        profile=settings.profile,
        runtime=args.runtime,
        image=args.image.resolve() if args.image else None,
        imdb=npz.path.resolve() if npz else None,
        account=args.account,
        time_min=args.time or TIME_LIMITS[settings.profile],
        cpus_per_task=args.cpus_per_task,
    )
    if args.dry_run:
        print(scripts(sweep))
        return OK
    needed = ["sbatch", *(["srun"] if args.runtime == "pyxis" else [])]
    missing = [command for command in needed if shutil.which(command) is None]
    if missing:
        raise SchedulerError(
            f"{' and '.join(missing)} not found on PATH: run this on a Slurm login node, or put Slurm's "
            "bin folder on PATH (--dry-run prints the job scripts without Slurm)"
        )
    try:
        arrays, summary = submit(sweep)
    except (FailedJobError, FailedSubmissionError, OSError) as error:
        raise SchedulerError(f"Slurm refused the submission: {str(error).strip().splitlines()[-1]}") from error
    tasks = sum(len(sweep.tasks(g)) for g in sweep.gpus)
    print(f"submitted {tasks} task(s) as job(s) {', '.join(arrays)}: run folders under {sweep.out / 'runs'}")
    print(f"summary job {summary} runs after them: {sweep.out / 'SUMMARY.md'}; logs in {sweep.logs}")
    return OK
