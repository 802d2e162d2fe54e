"""`container`: the same run inside the pinned Docker image (docker-py); results and report on the host."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import results
from ..errors import CONTAINER_FAILED, ENGINE, INPUT_ERROR, INTERRUPTED, OK, PROVENANCE, SELF_TEST, Failure
from ..settings import FRAMEWORK_NAMES, STACK_FRAMEWORKS, Settings
from . import door, run
from .options import add_build_options, add_run_options, forwarded_run_options, path, settings_from
from .report import make_report

HELP = "the same run inside the pinned Docker image (docker-py), results on the host"


def add_parser(sub) -> argparse.ArgumentParser:
    container = sub.add_parser("container", help=HELP)
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
        help="only check the output folder and that the engine answers and, for the GPU image, can give a "
        "container the GPU",
    )
    container.add_argument(
        "--fallback-local",
        action="store_true",
        help="when no Docker engine answers or the image cannot be made, say so and run locally",
    )
    return container


def main(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    out, defaulted = door.output_folder(args.out, settings)
    door.check(settings, out, args.force)  # before any download, build or import
    if args.preflight:
        return preflight(args.variant, args.fallback_local)
    status = run_container(
        settings, forwarded_run_options(args), out, args.imdb_path,
        variant=args.variant, wheelhouse=args.wheelhouse, base=args.base, archive=args.image_archive,
        fallback_local=args.fallback_local,
    )  # fmt: skip
    if status is None:
        status = run.run_locally(settings, out, args.imdb_path, args.force, looked=True)  # no second download
    door.beside_evidence(out, defaulted)
    return status


def preflight(variant: str, fallback_local: bool) -> int:
    """A missing GPU runtime always stops here; a missing engine only without --fallback-local."""
    from ..launch.container import preflight as check
    from ..launch.engine import EngineError

    try:
        print(check(variant))
    except EngineError as error:
        return engine_problem(error, fallback_local, "the run will fall back to a local one") or OK
    return OK


def engine_problem(error: Exception, fallback_local: bool, fallback: str) -> int | None:
    """ENGINE, in one line, for a GPU runtime that cannot give a container the GPU (no fallback hides
    that) or any engine problem without --fallback-local; else say so and the fallback, and None."""
    from ..launch.engine import GpuRuntimeError

    if not fallback_local or isinstance(error, GpuRuntimeError):
        print(f"error: {error}", file=sys.stderr)
        return ENGINE
    print(f"{error}\n{fallback}", file=sys.stderr)
    return None


def run_container(
    settings: Settings,
    options: list[str],
    out: Path,
    imdb_path: Path | None,
    *,
    variant: str,
    wheelhouse: Path,
    base: str | None,
    archive: Path | None,
    fallback_local: bool,
) -> int | None:
    """Exit status of a containerised run, or None when it falls back to a local run."""
    from ..launch.image import FRAMEWORKS

    framework = STACK_FRAMEWORKS.get(settings.stack, "tensorflow")  # the image's KERAS_BACKEND for keras3
    if framework not in FRAMEWORKS:  # a Failure for cli's boundary, before any engine or image
        raise Failure(
            f"the {settings.stack} stack runs outside the images (no image holds {FRAMEWORK_NAMES[framework]}): "
            f"`reproduce.py run --stack {settings.stack}`, or `make reproduce RUNNER=local ARGS='--stack "
            f"{settings.stack}'`"
        )
    from ..launch.container import run_in_container
    from ..launch.engine import ContainerFailed, EngineError

    try:
        # A bad dataset is a DatasetError for cli's boundary, before any build.
        run_in_container(options, out, variant, wheelhouse, settings.data, archive, base, imdb_path)
    except ContainerFailed as error:
        print(f"error: {error}", file=sys.stderr)
        # The workload's own codes keep their meaning; anything else is a failed container.
        kept = (INPUT_ERROR, PROVENANCE, SELF_TEST, INTERRUPTED)
        status = error.exit_code if error.exit_code in kept else CONTAINER_FAILED
    except EngineError as error:
        return engine_problem(error, fallback_local, "falling back to a local run (its results record no image)")
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished runs are kept in {out / results.RESULTS_NAME}", file=sys.stderr)
        status = INTERRUPTED
    else:
        status = OK
    if (out / results.RESULTS_NAME).exists():
        make_report(out / results.RESULTS_NAME, out)
    return status
