"""Command line: parse, then hand each command to the pipeline (pipeline.py).

python reproduce.py --profile paper             # the article's size
python reproduce.py --profile quick --repeats 3 # predicted article-size verdicts in minutes
python reproduce.py report paper/results.json   # re-render the report, run nothing
python reproduce.py container --profile paper   # the same run inside the pinned Docker image
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import traceback
import typing
from collections.abc import Callable
from pathlib import Path

from . import ROOT, __version__, pipeline, run_folder
from .errors import INPUT_ERROR, INTERNAL, INTERRUPTED, OK, SOME_NOT_REPRODUCED, UNDECIDED, Failure, exit_code_help
from .launch.image import LOCKS
from .launch.sweep import (
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
from .settings import OPTIONS, PROFILES, Settings, configured
from .variables import IMDB_ENV

COMMANDS = ("run", "container", "image", "check-gpu-stack", "report", "compare", "slurm")
OTHER_COMMANDS = f"""other commands (each has --help):
  container   the same run inside the pinned Docker image (docker-py), results on the host
  image       build the pinned image offline from the wheelhouse; --archive to docker-save it
  check-gpu-stack  whether TensorFlow's CUDA libraries load as the GPU lock pins them (no GPU needed)
  report      re-render REPORT.md and verdicts.json from a results.json, running nothing;
              --check exits {OK} all reproduced, {SOME_NOT_REPRODUCED} some not reproduced, {UNDECIDED} undecided
  compare     one SUMMARY.md across many results files or folders
  slurm       the run on a Slurm cluster: a job array per GPU kind, stacks x backends, one summary

Set KERAS_BACKEND=tensorflow|torch|jax to choose the keras3 stack's backend (default tensorflow)."""


# Types that check a value where it enters: a bad one is a usage error (exit 2), before any import.
def path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("a path cannot be empty")
    return Path(text)


def whole(text: str) -> int:
    """A whole number; its bounds are Settings' (or count's) to check."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None


def count(most: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = whole(text)
        if not 1 <= value <= most:
            raise argparse.ArgumentTypeError(f"{value} is not between 1 and {most:,}")
        return value

    return parse


def argument(parse: Callable[[str], object]) -> Callable[[str], object]:
    """A parser's own failure (a Failure with its message) as argparse's usage error."""

    def convert(text: str) -> object:
        try:
            return parse(text)
        except Failure as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


GPU_LOCK = ROOT / "requirements" / LOCKS["gpu"]
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=Path(sys.argv[0]).name,
        description="Reproduce the article's claim that cuDNN LSTM/GRU train about 10x faster "
        "than the plain layers (IMDB, Keras), and report a verdict per claim. Without a command, "
        "`run` is meant: `reproduce.py --profile quick` is `reproduce.py run --profile quick`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Set KERAS_BACKEND=tensorflow|torch|jax to choose the keras3 stack's backend.\n\n" + exit_code_help(),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run the models and write results + report (the default)",
        description="Run the four models, check the article's claims, write results.json, REPORT.md, figure.png.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=OTHER_COMMANDS + "\n\n" + exit_code_help(),
    )
    add_run_options(run)
    for add in (add_container, add_image, add_check_gpu_stack, add_report, add_compare, add_slurm):
        add(sub)
    return parser


def add_build_options(command: argparse.ArgumentParser) -> None:
    """Where the image is built from: container's and image's, declared once."""
    command.add_argument(
        "--wheelhouse",
        type=path,
        default=Path("wheelhouse"),
        help="folder of pinned wheels the image is built from, offline (make wheelhouse)",
    )
    command.add_argument(
        "--base",
        help="base image to build on instead of the pinned one (air-gapped); `local`: the Debian 12 stand-in "
        "made from build/engine-base.tar, where no registry answers",
    )


def add_container(sub) -> None:
    container = sub.add_parser("container", help="the same run inside the pinned Docker image (docker-py)")
    add_run_options(container)
    container.add_argument(
        "--variant",
        choices=("auto", "cpu", "gpu"),
        default="auto",
        help="auto: the GPU image when the host has an NVIDIA GPU, else the CPU image",
    )
    add_build_options(container)
    container.add_argument("--image-archive", type=path, help="load this `make image-archive` file, do not build")
    container.add_argument(
        "--preflight",
        action="store_true",
        help="only check that the engine answers and, for the GPU image, can give a container the GPU",
    )
    container.add_argument(
        "--fallback-local",
        action="store_true",
        help="when no Docker engine answers or the image cannot be made, say so and run locally",
    )


def add_image(sub) -> None:
    image = sub.add_parser("image", help="build the pinned image offline, and optionally archive it")
    image.add_argument("--variant", choices=("cpu", "gpu"), default="cpu", help="which image (default cpu)")
    add_build_options(image)
    image.add_argument("--archive", type=path, help="also `docker save` it here, with a .sha256 beside it")


def add_check_gpu_stack(sub) -> None:
    stack = sub.add_parser(
        "check-gpu-stack",
        help="check TensorFlow's CUDA build and every CUDA library it opens against the GPU lock (no GPU needed)",
    )
    stack.add_argument("--lock", type=path, default=GPU_LOCK, help=f"the lock to check against (default {GPU_LOCK})")


def add_report(sub) -> None:
    report = sub.add_parser("report", help="re-render REPORT.md and verdicts.json from a results file")
    report.add_argument("results", type=path, help="path to results.json")
    report.add_argument("--out", type=path, help="folder for REPORT.md (default: beside the results file)")
    report.add_argument("--quick", type=path, help="a quick-profile results file to validate against this run")
    report.add_argument(
        "--check",
        action="store_true",
        help=f"exit by the verdicts: {OK} every claim reproduced, {SOME_NOT_REPRODUCED} some claim firmly not "
        f"reproduced, {UNDECIDED} none refuted but some inconclusive, indicative or not verifiable "
        f"({INPUT_ERROR}: the file cannot be read)",
    )


def add_compare(sub) -> None:
    compare = sub.add_parser("compare", help="one SUMMARY.md across many results files or folders")
    compare.add_argument("paths", type=path, nargs="+", help="results.json files, or folders to search for them")
    compare.add_argument("--out", type=path, default=Path("paper"), help="folder for SUMMARY.md (default paper/)")
    compare.add_argument(
        "--check",
        action="store_true",
        help=f"exit by the reconciled outcomes: {OK} every claim reproduced, {SOME_NOT_REPRODUCED} some claim "
        f"firmly not reproduced on a counted run set, {UNDECIDED} otherwise ({INPUT_ERROR}: no results file can be "
        "read)",
    )


def add_slurm(sub) -> None:
    slurm = sub.add_parser(
        "slurm",
        help="the run on a Slurm cluster: a job array per GPU kind, one task per stack/backend, then one summary",
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


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_run_options(run: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    """The profile, then every overridable setting from settings.OPTIONS, then where to read and write."""
    run.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="paper",
        help="paper: the article's size (25,000 reviews, 10 epochs); quick: the same 25,000 reviews, "
        "3 epochs of 10 steps, whose steady per-step times predict the article-size times; smoke: tiny, for tests",
    )
    types = typing.get_type_hints(Settings)
    for name, option in OPTIONS.items():
        if name in skip:
            continue
        kind = types[name]
        if kind is bool:
            run.add_argument(flag(name), action="store_true", default=None, help=option.help)
        elif name == "models":
            run.add_argument(flag(name), type=lambda text: tuple(text.split(",")), help=option.help)
        else:
            number = int in typing.get_args(kind) or kind is int
            run.add_argument(flag(name), type=whole if number else str, choices=option.choices, help=option.help)
    run.add_argument("--imdb-path", type=path, help=f"path to imdb.npz (also ${IMDB_ENV}); default: the Keras cache")
    run.add_argument(
        "--out",
        type=path,
        help="folder for results.json, REPORT.md and figure.png (default: a folder of its own, "
        "out/<host>-<gpu or cpu>-<stack>-<backend>-<profile>/; `--out paper` writes the project's evidence)",
    )
    run.add_argument("--force", action="store_true", help="start over instead of resuming the results in --out")


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {name: getattr(args, name) for name in OPTIONS if getattr(args, name, None) is not None}
    return configured(args.profile, overrides)


def forwarded_run_options(args: argparse.Namespace) -> list[str]:
    """The run options, as the container's own `reproduce.py run` takes them (without --out)."""
    argv = ["--profile", args.profile] + (["--force"] if args.force else [])
    for name in OPTIONS:
        value = getattr(args, name, None)
        if value is True:
            argv.append(flag(name))
        elif value is not None:
            argv += [flag(name), ",".join(value) if isinstance(value, tuple) else str(value)]
    return argv


def main(argv: list[str] | None = None) -> int:
    """The one error boundary: an expected failure is one line and its exit code; anything
    else is a bug, one line naming the file that holds its traceback."""
    # TensorFlow's start-up noise (CPU-feature banners, cuInit errors), hidden as in the image.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        argv.insert(0, "run")
    parser = build_parser()
    bad = next((a for a in argv if CONTROL.search(a)), None)
    if bad is not None:  # such a value could start a new line of a job script or a report
        parser.error(f"control characters (newline, tab, escape ...) are not allowed in a value: {bad[:60]!r}")
    args = parser.parse_args(argv)
    try:
        return dispatch(parser, args)
    except Failure as error:
        print(f"error: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return INTERRUPTED
    except Exception as error:
        where = crash_report(getattr(args, "out", None))
        what = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        print(f"error: unexpected {what}; this is a bug, please report it with {where}", file=sys.stderr)
        return INTERNAL


def crash_report(out: Path | None) -> Path:
    """The traceback in a file: in the output folder when there is one to write to, else the temp folder."""
    folder = out if out is not None and out.is_dir() and os.access(out, os.W_OK) else Path(tempfile.gettempdir())
    fd, name = tempfile.mkstemp(prefix="cudnn-repro-crash-", suffix=".txt", dir=folder)
    with os.fdopen(fd, "w") as f:
        f.write(f"{__version__} {sys.argv!r}\n{traceback.format_exc()}")
    return Path(name)


def dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "report":
        return pipeline.report(args.results, args.out or args.results.parent, args.quick, args.check)
    if args.command == "compare":
        return pipeline.compare(args.paths, args.out, args.check)
    if args.command == "image":
        return pipeline.make_image(args)
    if args.command == "check-gpu-stack":
        return pipeline.check_gpu_stack(args.lock)
    try:
        settings = settings_from(args)
    except ValueError as error:
        parser.error(str(error))
    if args.command == "slurm":
        if args.runtime != "venv" and args.image is None:
            parser.error(f"--runtime {args.runtime} needs --image (docs/slurm.md)")
        args.out = args.out or run_folder.USER_ROOT / "slurm"
        pipeline.door(settings, args.out, force=True)  # each task resumes its own folder

        return pipeline.slurm(args, settings, forwarded_run_options(args))
    defaulted = args.out is None
    args.out = args.out or run_folder.default_folder(settings)
    pipeline.door(settings, args.out, args.force)  # before any download, build or import
    if args.command == "container" and args.preflight:
        return pipeline.preflight(args.variant, args.fallback_local)
    status = None
    if args.command == "container":
        status = pipeline.run_container(args, settings, forwarded_run_options(args))  # None: fall back to a local run
    if status is None:
        status = pipeline.run_locally(settings, args)
    pipeline.beside_evidence(args.out, defaulted)
    return status
