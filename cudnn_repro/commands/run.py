"""`run` (the default command): the four models here, then results, report and verdicts."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .. import results
from ..errors import OK, Failure, Interrupted
from ..registry import keras_backend, stack_problem
from ..settings import Settings
from ..variables import IMAGE_ID_ENV
from . import door
from .options import add_run_options, settings_from
from .report import report_beside

HELP = "run the models and write results + report (the default)"


def add_parser(sub) -> argparse.ArgumentParser:
    run = sub.add_parser(
        "run",
        help=HELP,
        description="Run the four models, check the article's claims, write results.json, REPORT.md, figure.png.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_run_options(run)
    return run


def main(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    out, defaulted = door.output_folder(args.out, settings)
    door.check(settings, out, args.force)
    status = run_locally(settings, out, args.imdb_path, args.force)
    door.beside_evidence(out, defaulted)
    return status


def run_locally(settings: Settings, out: Path, imdb_path: Path | None, force: bool, looked: bool = False) -> int:
    """looked: the dataset was already looked for (a container run falling back), see load_dataset.
    The report is written once, where its user reads it: here, unless this runs in the package's image
    (then the host writes it, commands/container.py), also after a provenance failure or an interrupt."""
    problem = stack_problem(settings.stack, keras_backend())
    if problem:
        raise Failure(problem)
    # Before Keras is imported (seconds): a bad dataset is refused at once, a Failure for cli's boundary.
    from ..measure.data import load_dataset

    data = load_dataset(settings, imdb_path, looked)
    from ..measure.provenance import ProvenanceError

    try:  # a ResultsError, StackError or ProvenanceError goes to cli's boundary
        measure(settings, out, data, force)
    except OSError as error:  # the output folder: a file, not writable, or a full disk
        raise Failure(f"cannot write to {out}: {error.strerror or error}") from error
    except ProvenanceError:
        report_here(out)
        raise
    except KeyboardInterrupt:
        report_here(out)
        kept = f"finished runs are kept in {out / results.RESULTS_NAME}"
        raise Interrupted(f"interrupted: {kept}; run the same command again to resume") from None
    report_here(out)
    return OK


def measure(settings: Settings, out: Path, data, force: bool) -> None:
    """The plan's repeats, then more in the same run while the stopping rule (when the settings have one)
    asks for them."""
    from ..judge.analysis import analyse
    from ..judge.claims import load_article
    from ..judge.stopping import Rule
    from ..measure.progress import log
    from ..measure.workload import run

    article = load_article()
    rule = None
    if settings.max_repeats:
        rule = Rule(settings.repeats, settings.max_repeats, lambda state: analyse(state, article), log)
    run(settings, out, data, force, rule)


def report_here(out: Path) -> None:
    if not os.environ.get(IMAGE_ID_ENV):
        report_beside(out)
