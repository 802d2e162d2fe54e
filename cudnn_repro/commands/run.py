"""`run` (the default command): the four models here, then results, report and verdicts."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from .. import results
from ..errors import INTERRUPTED, OK, PROVENANCE, Failure
from ..settings import BACKENDS, Settings, keras_backend_problem
from . import door
from .options import add_run_options, settings_from
from .report import make_report

HELP = "run the models and write results + report (the default)"
TORCH_FIX = "pip install '.[torch]' (or the lock: pip install --require-hashes --no-deps -r requirements/torch.lock)"


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


def look(out: Path, repeats: int) -> bool:
    """The stopping rule's look after `repeats`, recorded in the results file: whether it asks for more."""
    from ..judge.analysis import analyse
    from ..judge.claims import load_article
    from ..judge.stopping import record, undecided
    from ..measure.progress import log

    path = out / results.RESULTS_NAME
    state = results.load(path)
    open_claims = undecided(analyse(state, load_article()))
    more = record(state, repeats, open_claims)
    results.save(state, path)
    if open_claims:
        verb = f"{state['settings']['max_repeats']} repeats in all" if more else "no more: the rule's most"
        log(f"after {repeats} repeats, undecided: {', '.join(open_claims)}; {verb}")
    return more


def run_locally(settings: Settings, out: Path, imdb_path: Path | None, force: bool, looked: bool = False) -> int:
    """looked: the dataset was already looked for (a container run falling back), see load_dataset."""
    problem = backend_problem(settings.stack)
    if problem:
        raise Failure(problem)
    # Before Keras is imported (seconds): a bad dataset is refused at once, a Failure for cli's boundary.
    from ..measure.data import load_dataset

    data = load_dataset(settings, imdb_path, looked)
    from ..measure.provenance import ProvenanceError
    from ..measure.workload import run

    status = OK
    try:  # a ResultsError or StackError goes to cli's boundary
        run(settings, out, data, force)
        if settings.max_repeats and look(out, settings.repeats):
            run(settings, out, data, repeats=settings.max_repeats)
            look(out, settings.max_repeats)
    except OSError as error:  # the output folder: a file, not writable, or a full disk
        raise Failure(f"cannot write to {out}: {error.strerror or error}") from error
    except ProvenanceError as error:
        print(f"error: {error}", file=sys.stderr)
        status = PROVENANCE
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are kept in {out / results.RESULTS_NAME}; "
            "run the same command again to resume",
            file=sys.stderr,
        )
        status = INTERRUPTED
    if (out / results.RESULTS_NAME).exists():
        make_report(out / results.RESULTS_NAME, out)
    return status
