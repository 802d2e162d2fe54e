"""`report`: re-render REPORT.md and verdicts.json from a results file, running nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import results
from ..errors import OK
from ..judge.claims import load_article
from .options import add_check_options, path, written

HELP = "re-render REPORT.md and verdicts.json from a results file, running nothing"


def add_parser(sub) -> argparse.ArgumentParser:
    report = sub.add_parser("report", help=HELP)
    report.add_argument("results", type=path, help="path to results.json")
    report.add_argument("--out", type=path, help="folder for REPORT.md (default: beside the results file)")
    report.add_argument("--quick", type=path, help="a quick-profile results file to validate against this run")
    add_check_options(report, "the verdicts")
    return report


def main(args: argparse.Namespace) -> int:
    return report(args.results, args.out or args.results.parent, args.quick, args.check, args.claims)


def make_report(
    results_file: Path, out_dir: Path, quick_file: Path | None = None, claims: frozenset[str] | None = None
) -> int:
    """Write the report; return the verdicts' exit status over the gating claims (see `report --check`)."""
    from ..judge.analysis import analyse, validate_prediction
    from ..judge.reconcile import run_set_status
    from ..render.report import write_report

    article, run_set = load_article(), results.load(results_file)
    analysis = analyse(run_set, article)
    validation = validate_prediction(run_set, results.load(quick_file), article) if quick_file else None
    print(f"report: {write_report(run_set, analysis, article, out_dir, validation)}")
    return run_set_status(analysis, claims)


def report(
    results_file: Path, out_dir: Path, quick_file: Path | None, check: bool, claims: frozenset[str] | None = None
) -> int:
    status = written("report", out_dir, lambda: make_report(results_file, out_dir, quick_file, claims))
    return status if check else OK


def report_beside(out: Path) -> None:
    """A run's report in its folder, once there are results to report (after a failed run too)."""
    if (out / results.RESULTS_NAME).exists():
        make_report(out / results.RESULTS_NAME, out)
