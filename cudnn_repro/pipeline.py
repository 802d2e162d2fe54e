"""The pipeline behind each command: run -> results -> report, and the exit status.

cli.py only parses; every command's work and every exit code is decided here.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from pathlib import Path

from . import results
from .errors import (
    CONTAINER_FAILED,
    ENGINE,
    INPUT_ERROR,
    INTERRUPTED,
    OK,
    PROVENANCE,
    SCHEDULER,
    SELF_TEST,
    Failure,
)
from .judge.claims import load_article
from .settings import BACKENDS, FRAMEWORK_NAMES, STACK_FRAMEWORKS, Settings, keras_backend_problem


def render(results_file: Path, out_dir: Path, quick_file: Path | None = None) -> int:
    """Write the report; return the verdicts' exit status (see `report --check`)."""
    from .judge.reconcile import run_set_status
    from .render.report import write_report

    quick = results.load(quick_file) if quick_file else None
    path, analysis = write_report(results.load(results_file), load_article(), out_dir, quick)
    print(f"report: {path}")
    return run_set_status(analysis)


def report(results_file: Path, out_dir: Path, quick_file: Path | None, check: bool) -> int:
    try:
        status = render(results_file, out_dir, quick_file)
    except results.ResultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return INPUT_ERROR
    except OSError as error:
        print(f"error: cannot write the report to {out_dir}: {error.strerror or error}", file=sys.stderr)
        return INPUT_ERROR
    return status if check else OK


def compare(paths: list[Path], out_dir: Path, check: bool) -> int:
    """Write the summary; with check, return the reconciled outcomes' exit status."""
    from .render.summary import write_summary

    try:
        path, status = write_summary(paths, out_dir, load_article())
        print(f"summary: {path}")
    except results.ResultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return INPUT_ERROR
    except OSError as error:
        print(f"error: cannot write the summary to {out_dir}: {error.strerror or error}", file=sys.stderr)
        return INPUT_ERROR
    return status if check else OK


def check_gpu_stack(lock: Path) -> int:
    """Print the GPU stack as TensorFlow would load it; fail (exit 10) on any difference from the lock."""
    from .measure import gpu_stack

    if not lock.is_file():
        raise Failure(f"--lock {lock}: no such file")
    check = gpu_stack.examine(lock)
    print(gpu_stack.report(check, lock))
    if check.problems:
        raise gpu_stack.GpuStackError(
            f"the GPU stack differs from {lock.name} in {len(check.problems)} way(s), first: {check.problems[0]}"
        )
    return OK


def make_image(args: argparse.Namespace) -> int:
    from .launch import engine
    from .launch.container import VARIANTS, build_image, require_checkout

    try:
        require_checkout()
        client = engine.connect()
        image = build_image(client, VARIANTS[args.variant], args.wheelhouse, args.base)
        print(f"built {VARIANTS[args.variant].tag}: {image}")
        if args.archive:
            args.archive.parent.mkdir(parents=True, exist_ok=True)
            print(f"archived: {args.archive} ({engine.save_archive(client, image, args.archive)})")
    except engine.EngineError as error:
        print(f"error: {error}", file=sys.stderr)
        return ENGINE
    return OK


def preflight(variant: str, fallback_local: bool) -> int:
    """A missing GPU runtime always stops here; a missing engine only without --fallback-local."""
    from .launch.container import preflight as check
    from .launch.engine import EngineError, GpuRuntimeError

    try:
        print(check(variant))
    except EngineError as error:
        if not fallback_local or isinstance(error, GpuRuntimeError):
            print(f"error: {error}", file=sys.stderr)
            return ENGINE
        print(f"{error}\nthe run will fall back to a local one", file=sys.stderr)
    return OK


def run_container(args: argparse.Namespace, settings: Settings, options: list[str]) -> int | None:
    """Exit status of a containerised run, or None when it falls back to a local run."""
    from .launch.image import FRAMEWORKS

    framework = STACK_FRAMEWORKS.get(settings.stack, "tensorflow")  # the image's KERAS_BACKEND for keras3
    if framework not in FRAMEWORKS:  # a Failure for cli's boundary, before any engine or image
        raise Failure(
            f"the {settings.stack} stack runs outside the images (no image holds {FRAMEWORK_NAMES[framework]}): "
            f"`reproduce.py run --stack {settings.stack}`, or `make reproduce RUNNER=local ARGS='--stack "
            f"{settings.stack}'`"
        )
    from .launch.container import run_in_container
    from .launch.engine import ContainerFailed, EngineError, GpuRuntimeError
    from .measure.data import DatasetError

    try:
        run_in_container(
            options, args.out, args.variant, args.wheelhouse, settings.data, args.image_archive, args.base,
            args.imdb_path,
        )  # fmt: skip
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return INPUT_ERROR
    except ContainerFailed as error:
        print(f"error: {error}", file=sys.stderr)
        # The workload's own codes keep their meaning; anything else is a failed container.
        kept = (INPUT_ERROR, PROVENANCE, SELF_TEST, INTERRUPTED)
        status = error.exit_code if error.exit_code in kept else CONTAINER_FAILED
    except EngineError as error:
        if not args.fallback_local or isinstance(error, GpuRuntimeError):
            print(f"error: {error}", file=sys.stderr)
            return ENGINE
        print(f"{error}\nfalling back to a local run (its results record no image)", file=sys.stderr)
        return None
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished runs are kept in {args.out / results.RESULTS_NAME}", file=sys.stderr)
        status = INTERRUPTED
    else:
        status = OK
    if (args.out / results.RESULTS_NAME).exists():
        render(args.out / results.RESULTS_NAME, args.out)
    return status


TORCH_FIX = "pip install '.[torch]' (or the lock: pip install --require-hashes --no-deps -r requirements/torch.lock)"


def backend_problem(stack: str) -> str | None:
    """Why the stack's framework cannot work here, checked before it is imported (Keras itself
    would fail on a bad KERAS_BACKEND with a traceback)."""
    if stack == "torch":
        if importlib.util.find_spec("torch") is None:
            return "the torch stack needs PyTorch, which is not installed in this Python environment: " + TORCH_FIX
        return None
    name = os.environ.get("KERAS_BACKEND", "tensorflow")
    if name not in BACKENDS:
        return f"KERAS_BACKEND={name} is not one of {', '.join(BACKENDS)}"
    if importlib.util.find_spec(name) is None:
        return f"KERAS_BACKEND={name}, but {name} is not installed in this Python environment"
    return keras_backend_problem(stack, name)


def out_problem(out: Path) -> str | None:
    """Why results cannot be written under --out, found before anything slow starts."""
    try:
        resolved = out.resolve()
    except (OSError, RuntimeError) as error:  # a symbolic link loop
        return f"--out {out} cannot be resolved ({error})"
    if resolved.exists() and not resolved.is_dir():
        return f"--out {out} is a file, not a folder"
    existing = next(p for p in [resolved, *resolved.parents] if p.exists())
    if not existing.is_dir():
        return f"--out {out}: {existing} is a file, so no folder can be made under it"
    if not os.access(existing, os.W_OK):
        return f"--out {out}: {existing} is not writable by this user (or is on a read-only filesystem)"
    return None


def door(settings: Settings, out: Path, force: bool) -> None:
    """What refuses a run before any download, image build or import: an output folder that
    cannot be written, and a resume that the results already there would refuse."""
    problem = out_problem(out)
    if problem:
        raise Failure(problem)
    path = out / results.RESULTS_NAME
    if path.exists() and not force:
        results.check_settings(results.load(path), settings.to_dict(), path)


def beside_evidence(out: Path, defaulted: bool) -> None:
    """A user's run set in one summary with the project's committed ones (paper/ is only read)."""
    from . import run_folder

    if not (out / results.RESULTS_NAME).exists() or run_folder.is_evidence(out):
        return
    if not defaulted:
        evidence = os.path.relpath(run_folder.EVIDENCE)
        print(f"beside the project's run sets: reproduce.py compare {out} {evidence} --out {out}")
        return
    compare([run_folder.USER_ROOT, run_folder.EVIDENCE], run_folder.USER_ROOT, check=False)


def run_locally(settings: Settings, args: argparse.Namespace) -> int:
    problem = backend_problem(settings.stack)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return INPUT_ERROR
    # Before Keras is imported (seconds): a bad dataset is refused at once, a Failure for cli's boundary.
    from .measure.data import load_dataset

    data = load_dataset(settings, args.imdb_path)
    from .measure.provenance import ProvenanceError
    from .measure.workload import run

    status = OK
    try:
        run(settings, args.out, data, args.force)  # a ResultsError or StackError goes to cli's boundary
    except OSError as error:  # the output folder: a file, not writable, or a full disk
        print(f"error: cannot write to {args.out}: {error.strerror or error}", file=sys.stderr)
        return INPUT_ERROR
    except ProvenanceError as error:
        print(f"error: {error}", file=sys.stderr)
        status = PROVENANCE
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are kept in {args.out / results.RESULTS_NAME}; "
            "run the same command again to resume",
            file=sys.stderr,
        )
        status = INTERRUPTED
    results_file = args.out / results.RESULTS_NAME
    if results_file.exists():
        render(results_file, args.out)
    return status


def slurm(args: argparse.Namespace, settings: Settings, options: list[str]) -> int:
    """Submit the sweep (or print its job scripts); the dataset is found here, once, for every task."""
    from submitit.core.utils import FailedJobError, FailedSubmissionError

    from .launch.slurm import scripts, submit
    from .launch.sweep import TIME_LIMITS, GpuKind, Sweep, default_site
    from .measure.data import find_imdb

    # A SweepError or DatasetError goes to cli's boundary (one line, exit 1).
    npz = find_imdb(settings.data, args.imdb_path, download=not args.dry_run)
    sweep = Sweep(
        out=args.out,
        site=args.site or default_site(),
        gpus=tuple(args.gpu or [GpuKind.parse("gpu")]),
        combos=args.sweep,
        run_options=tuple(options),
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
        print(
            f"error: {' and '.join(missing)} not found on PATH: run this on a Slurm login node, or put Slurm's "
            "bin folder on PATH (--dry-run prints the job scripts without Slurm)",
            file=sys.stderr,
        )
        return SCHEDULER
    try:
        arrays, summary = submit(sweep)
    except (FailedJobError, FailedSubmissionError, OSError) as error:
        print(f"error: Slurm refused the submission: {str(error).strip().splitlines()[-1]}", file=sys.stderr)
        return SCHEDULER
    tasks = sum(len(sweep.tasks(g)) for g in sweep.gpus)
    print(f"submitted {tasks} task(s) as job(s) {', '.join(arrays)}: run folders under {sweep.out / 'runs'}")
    print(f"summary job {summary} runs after them: {sweep.out / 'SUMMARY.md'}; logs in {sweep.logs}")
    return OK
