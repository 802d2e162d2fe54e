"""`container`: the same run inside the pinned Docker image (docker-py); results and report on the host."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import results
from ..errors import CONTAINER_FAILED, INPUT_ERROR, INTERRUPTED, OK, PROVENANCE, SELF_TEST, Failure, Interrupted
from ..registry import IMAGE_FRAMEWORKS, framework_name, framework_of
from ..settings import Settings
from . import door, run
from .options import add_build_options, add_run_options, forwarded_run_options, path, settings_from
from .report import report_beside

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
        engine_problem(error, fallback_local, "the run will fall back to a local one")
    return OK


def engine_problem(error: Exception, fallback_local: bool, fallback: str) -> None:
    """Raise a GPU runtime that cannot give a container the GPU (no fallback hides that) or any engine
    problem without --fallback-local, for cli's boundary (exit 6); else say so and the fallback."""
    from ..launch.engine import GpuRuntimeError

    if not fallback_local or isinstance(error, GpuRuntimeError):
        raise error
    print(f"{error}\n{fallback}", file=sys.stderr)


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
    framework = framework_of(settings.stack, IMAGE_FRAMEWORKS[0])  # the image's KERAS_BACKEND
    if framework not in IMAGE_FRAMEWORKS:  # a Failure for cli's boundary, before any engine or image
        raise Failure(
            f"the {settings.stack} stack runs outside the images (no image holds {framework_name(framework)}): "
            f"`reproduce.py run --stack {settings.stack}`, or `make reproduce RUNNER=local ARGS='--stack "
            f"{settings.stack}'`"
        )
    from ..launch.container import run_in_container
    from ..launch.engine import ContainerFailed, EngineError

    try:
        # A bad dataset is a DatasetError for cli's boundary, before any build.
        run_in_container(options, out, variant, wheelhouse, settings.data, archive, base, imdb_path)
    except ContainerFailed as error:
        # The workload's own codes keep their meaning; anything else is a failed container.
        kept = (INPUT_ERROR, PROVENANCE, SELF_TEST, INTERRUPTED)
        error.status = error.exit_code if error.exit_code in kept else CONTAINER_FAILED
        report_beside(out)
        raise
    except EngineError as error:
        engine_problem(error, fallback_local, "falling back to a local run (its results record no image)")
        return None
    except KeyboardInterrupt:
        report_beside(out)
        raise Interrupted(f"interrupted: finished runs are kept in {out / results.RESULTS_NAME}") from None
    report_beside(out)
    return OK
