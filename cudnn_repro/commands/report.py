"""`report`: re-render REPORT.md and verdicts.json from a results file, running nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import results
from ..errors import OK
from ..judge.claims import Article, load_article
from ..judge.findings import Analysis
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
    from ..judge.reconcile import run_set_status

    quick = results.load(quick_file) if quick_file else None
    path, analysis = judged_report(results.load(results_file), load_article(), out_dir, quick)
    print(f"report: {path}")
    return run_set_status(analysis, claims)


def judged_report(
    run_set: results.ResultsFile, article: Article, out_dir: Path, quick: results.ResultsFile | None = None
) -> tuple[Path, Analysis]:
    """Judge decides (the analysis, the quick run's validation), render formats: the report's path and analysis."""
    from ..judge.analysis import analyse, validate_prediction
    from ..render.report import write_report

    analysis = analyse(run_set, article)
    validation = validate_prediction([run_set], [quick], article) if quick else None
    return write_report(analysis, article, out_dir, validation), analysis


def report(
    results_file: Path, out_dir: Path, quick_file: Path | None, check: bool, claims: frozenset[str] | None = None
) -> int:
    status = written("report", out_dir, lambda: make_report(results_file, out_dir, quick_file, claims))
    return status if check else OK


def report_beside(out: Path) -> None:
    """A run's report in its folder, once there are results to report (after a failed run too)."""
    if (out / results.RESULTS_NAME).exists():
        make_report(out / results.RESULTS_NAME, out)
