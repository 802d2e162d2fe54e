"""Command line: options -> run -> report, in that order.

    python reproduce.py --profile paper             # the article's size, about an hour on a GPU
    python reproduce.py --profile quick --repeats 3 # predicted article-size verdicts in minutes
    python reproduce.py report paper/results.json   # re-render the report, run nothing
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from . import results
from .claims import load_article
from .data import IMDB_ENV, DatasetError
from .settings import DATA_SOURCES, MATH_MODES, MODELS, PROFILES, Settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reproduce.py",
        description="Reproduce the article's claim that cuDNN LSTM/GRU train about 10x faster "
        "than the plain layers (IMDB, Keras), and report a verdict per claim.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Set KERAS_BACKEND=tensorflow|torch|jax to choose the backend (default tensorflow).",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the models and write results + report (the default)")
    run.add_argument("--profile", choices=sorted(PROFILES), default="paper",
                     help="paper: the article's size (25,000 reviews, 10 epochs); quick: a 1,000-review "
                     "subset whose steady epochs predict the article-size times; smoke: tiny, for tests")
    run.add_argument("--models", help=f"comma-separated subset of {','.join(MODELS)} (default: all four)")
    run.add_argument("--epochs", type=int, help="override the profile's epochs")
    run.add_argument("--train-samples", type=int, help="override the profile's number of training reviews")
    run.add_argument("--test-samples", type=int, help="override the profile's number of test reviews")
    run.add_argument("--repeats", type=int, help="runs per model, interleaved across models (default 1)")
    run.add_argument("--math", choices=MATH_MODES, help="article: the plain pair computes Keras 2.0.9's "
                     "math (hard_sigmoid, GRU reset-before); matched: exactly cuDNN's math, so only the "
                     "kernel differs (default article)")
    run.add_argument("--data", choices=DATA_SOURCES, help="auto: real IMDB if a file or the download "
                     "exists, else synthetic (flagged); imdb: real or fail; synthetic: always (default auto)")
    run.add_argument("--imdb-path", help=f"path to imdb.npz (also ${IMDB_ENV}); default: the Keras cache")
    run.add_argument("--out", type=Path, default=Path("paper"), help="folder for results.json, REPORT.md "
                     "and figure.png (default paper/)")
    run.add_argument("--force", action="store_true", help="start over instead of resuming the results in --out")
    report = sub.add_parser("report", help="re-render REPORT.md from a results file, running nothing")
    report.add_argument("results", type=Path, help="path to results.json")
    report.add_argument("--out", type=Path, help="folder for REPORT.md (default: beside the results file)")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {
        "models": tuple(args.models.split(",")) if args.models else None,
        "epochs": args.epochs,
        "train_samples": args.train_samples,
        "test_samples": args.test_samples,
        "repeats": args.repeats,
        "math": args.math,
        "data": args.data,
    }
    return dataclasses.replace(PROFILES[args.profile], **{k: v for k, v in overrides.items() if v is not None})


def render(results_file: Path, out_dir: Path) -> Path:
    from .report import write_report

    path = write_report(results.load(results_file), load_article(), out_dir)
    print(f"report: {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("run", "report", "-h", "--help"):
        argv.insert(0, "run")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "report":
        render(args.results, args.out or args.results.parent)
        return 0
    try:
        settings = settings_from(args)
    except ValueError as error:
        parser.error(str(error))
    from .provenance import ProvenanceError
    from .workload import run

    status = 0
    try:
        run(settings, args.out, args.imdb_path, args.force)
    except (DatasetError, results.ResultsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except ProvenanceError as error:
        print(f"error: {error}", file=sys.stderr)
        status = 3
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished runs are kept in {args.out / results.RESULTS_NAME}; "
              "run the same command again to resume", file=sys.stderr)
        status = 130
    results_file = args.out / results.RESULTS_NAME
    if results_file.exists():
        render(results_file, args.out)
    return status
