"""Command line: options -> run -> report, in that order.

python reproduce.py --profile paper             # the article's size
python reproduce.py --profile quick --repeats 3 # predicted article-size verdicts in minutes
python reproduce.py report paper/results.json   # re-render the report, run nothing
python reproduce.py container --profile paper   # the same run inside the pinned Docker image
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from . import __version__, results, verdicts
from .claims import load_article
from .data import IMDB_ENV, DatasetError
from .settings import DATA_SOURCES, MATH_MODES, MODELS, PROFILES, STACKS, Settings

COMMANDS = ("run", "container", "image", "report", "compare")
# Exit codes, one meaning each (README's table); 4 and 5 are `report --check`'s verdicts.
OK, INPUT_ERROR, USAGE, PROVENANCE, ENGINE, CONTAINER_FAILED, INTERRUPTED = 0, 1, 2, 3, 6, 7, 130
EXIT_CODES = f"""exit codes:
  {OK}    done
  {INPUT_ERROR}    bad input: a dataset, results file, output folder or stack that cannot be used
  {USAGE}    bad command line
  {PROVENANCE}    a model ran another kernel than its name promises (the run stops)
  {verdicts.SOME_NOT_REPRODUCED}    report --check: some claim firmly not reproduced
  {verdicts.UNDECIDED}    report --check: none refuted, some inconclusive, indicative or not verifiable
  {ENGINE}    no usable Docker engine or GPU runtime, or the image could not be made
  {CONTAINER_FAILED}    the container failed (its log is kept beside the results)
  {INTERRUPTED}  interrupted (Ctrl-C): finished runs are kept, the same command resumes"""

OTHER_COMMANDS = """other commands (each has --help):
  container   the same run inside the pinned Docker image (docker-py), results on the host
  image       build the pinned image offline from the wheelhouse; --archive to docker-save it
  report      re-render REPORT.md and verdicts.json from a results.json, running nothing;
              --check exits 0 all reproduced, 4 some not reproduced, 5 undecided
  compare     one SUMMARY.md across many results files or folders

Set KERAS_BACKEND=tensorflow|torch|jax to choose the backend (default tensorflow)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=Path(sys.argv[0]).name,
        description="Reproduce the article's claim that cuDNN LSTM/GRU train about 10x faster "
        "than the plain layers (IMDB, Keras), and report a verdict per claim. Without a command, "
        "`run` is meant: `reproduce.py --profile quick` is `reproduce.py run --profile quick`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Set KERAS_BACKEND=tensorflow|torch|jax to choose the keras3 stack's backend.\n\n" + EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run the models and write results + report (the default)",
        description="Run the four models, check the article's claims, write results.json, REPORT.md, figure.png.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=OTHER_COMMANDS + "\n\n" + EXIT_CODES,
    )
    add_run_options(run)
    container = sub.add_parser("container", help="the same run inside the pinned Docker image (docker-py)")
    add_run_options(container)
    container.add_argument(
        "--variant",
        choices=("auto", "cpu", "gpu"),
        default="auto",
        help="auto: the GPU image when the host has an NVIDIA GPU, else the CPU image",
    )
    container.add_argument(
        "--wheelhouse",
        type=Path,
        default=Path("wheelhouse"),
        help="folder of pinned wheels the image is built from, offline (make wheelhouse)",
    )
    container.add_argument("--image-archive", type=Path, help="load this `make image-archive` file, do not build")
    container.add_argument("--base", help="base image to build on instead of the pinned one (tests, air-gapped)")
    container.add_argument(
        "--fallback-local",
        action="store_true",
        help="when no Docker engine answers or the image cannot be made, say so and run locally",
    )
    image = sub.add_parser("image", help="build the pinned image offline, and optionally archive it")
    image.add_argument("--variant", choices=("cpu", "gpu"), default="cpu", help="which image (default cpu)")
    image.add_argument(
        "--wheelhouse", type=Path, default=Path("wheelhouse"), help="folder of pinned wheels (make wheelhouse)"
    )
    image.add_argument("--base", help="base image to build on instead of the pinned one")
    image.add_argument("--archive", type=Path, help="also `docker save` it here, with a .sha256 beside it")
    report = sub.add_parser("report", help="re-render REPORT.md and verdicts.json from a results file")
    report.add_argument("results", type=Path, help="path to results.json")
    report.add_argument("--out", type=Path, help="folder for REPORT.md (default: beside the results file)")
    report.add_argument("--quick", type=Path, help="a quick-profile results file to validate against this run")
    report.add_argument(
        "--check",
        action="store_true",
        help="exit by the verdicts: 0 every claim reproduced, 4 some claim firmly not reproduced, "
        "5 none refuted but some inconclusive, indicative or not verifiable (1: the file cannot be read)",
    )
    compare = sub.add_parser("compare", help="one SUMMARY.md across many results files or folders")
    compare.add_argument("paths", type=Path, nargs="+", help="results.json files, or folders to search for them")
    compare.add_argument("--out", type=Path, default=Path("paper"), help="folder for SUMMARY.md (default paper/)")
    return parser


def add_run_options(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="paper",
        help="paper: the article's size (25,000 reviews, 10 epochs); quick: the same 25,000 reviews, "
        "3 epochs of 10 steps, whose steady per-step times predict the article-size times; smoke: tiny, for tests",
    )
    run.add_argument("--models", help=f"comma-separated subset of {','.join(MODELS)} (default: all four)")
    run.add_argument("--epochs", type=int, help="override the profile's epochs")
    run.add_argument("--train-samples", type=int, help="override the profile's number of training reviews")
    run.add_argument("--test-samples", type=int, help="override the profile's number of test reviews")
    run.add_argument("--steps-per-epoch", type=int, help="override the profile's steps per epoch (quick: 10)")
    run.add_argument("--repeats", type=int, help="runs per model, interleaved across models (default 1)")
    run.add_argument(
        "--math",
        choices=MATH_MODES,
        help="keras3 stack only. article: the plain pair computes Keras 2.0.9's math (hard_sigmoid, GRU "
        "reset-before, implementation=1); matched: exactly cuDNN's math, so only the kernel differs (default article)",
    )
    run.add_argument(
        "--data",
        choices=DATA_SOURCES,
        help="auto: real IMDB if a file or the download exists, else synthetic (flagged); "
        "imdb: real or fail; synthetic: always (default auto)",
    )
    run.add_argument(
        "--stack",
        choices=STACKS,
        help="keras2: the article's own classes (LSTM, GRU, CuDNNLSTM, CuDNNGRU) through tf_keras on "
        "TensorFlow; keras3: Keras 3 layers with use_cudnn, on KERAS_BACKEND's backend (default keras2)",
    )
    run.add_argument(
        "--tf32",
        action="store_true",
        help="allow TF32 tensor-core math in float32 matmuls and cuDNN (default off: the article's "
        "GTX 1060 computed full FP32; Ampere and newer GPUs would otherwise use TF32)",
    )
    run.add_argument("--imdb-path", help=f"path to imdb.npz (also ${IMDB_ENV}); default: the Keras cache")
    run.add_argument(
        "--out",
        type=Path,
        default=Path("paper"),
        help="folder for results.json, REPORT.md and figure.png (default paper/)",
    )
    run.add_argument("--force", action="store_true", help="start over instead of resuming the results in --out")


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {
        "models": tuple(args.models.split(",")) if args.models else None,
        "epochs": args.epochs,
        "train_samples": args.train_samples,
        "test_samples": args.test_samples,
        "steps_per_epoch": args.steps_per_epoch,
        "repeats": args.repeats,
        "math": args.math,
        "data": args.data,
        "tf32": args.tf32 or None,
        "stack": args.stack,
    }
    return dataclasses.replace(PROFILES[args.profile], **{k: v for k, v in overrides.items() if v is not None})


def forwarded_run_options(args: argparse.Namespace) -> list[str]:
    """The run options, as the container's own `reproduce.py run` takes them (without --out)."""
    argv = ["--profile", args.profile] + (["--force"] if args.force else []) + (["--tf32"] if args.tf32 else [])
    names = ("models", "epochs", "train_samples", "test_samples", "steps_per_epoch", "repeats", "math", "data", "stack")
    for name in names:
        if getattr(args, name) is not None:
            argv += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    return argv


def render(results_file: Path, out_dir: Path, quick_file: Path | None = None) -> int:
    """Write the report; return the verdicts' exit status (see `report --check`)."""
    from .report import write_report
    from .verdicts import exit_status

    quick = results.load(quick_file) if quick_file else None
    path, analysis = write_report(results.load(results_file), load_article(), out_dir, quick)
    print(f"report: {path}")
    return exit_status(analysis)


def compare(args: argparse.Namespace) -> int:
    from .compare import write_summary

    print(f"summary: {write_summary(args.paths, args.out, load_article())}")
    return OK


def main(argv: list[str] | None = None) -> int:
    # TensorFlow's start-up noise (CPU-feature banners, cuInit errors), hidden as in the image.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        argv.insert(0, "run")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "report":
            status = render(args.results, args.out or args.results.parent, args.quick)
            return status if args.check else 0
        if args.command == "compare":
            return compare(args)
    except results.ResultsError as error:
        print(f"error: {error}", file=sys.stderr)
        return INPUT_ERROR
    if args.command == "image":
        return make_image(args)
    try:
        settings = settings_from(args)
    except ValueError as error:
        parser.error(str(error))
    if args.command == "container":
        status = run_container(args)
        if status is not None:
            return status
    return run_locally(settings, args)


def make_image(args: argparse.Namespace) -> int:
    from . import engine
    from .container import VARIANTS, build_image, require_checkout

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


def run_container(args: argparse.Namespace) -> int | None:
    """Exit status of a containerised run, or None when it falls back to a local run."""
    from .container import run_in_container
    from .engine import ContainerFailed, EngineError, GpuRuntimeError

    options = forwarded_run_options(args)
    try:
        run_in_container(
            options, args.out, args.variant, args.wheelhouse, args.image_archive, args.base, args.imdb_path
        )
    except ContainerFailed as error:
        print(f"error: {error}", file=sys.stderr)
        # The workload's own codes keep their meaning; anything else is a failed container.
        status = error.exit_code if error.exit_code in (INPUT_ERROR, PROVENANCE, INTERRUPTED) else CONTAINER_FAILED
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


def run_locally(settings: Settings, args: argparse.Namespace) -> int:
    from .keras2 import StackError
    from .provenance import ProvenanceError
    from .workload import run

    status = OK
    try:
        run(settings, args.out, args.imdb_path, args.force)
    except (DatasetError, results.ResultsError, StackError) as error:
        print(f"error: {error}", file=sys.stderr)
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
