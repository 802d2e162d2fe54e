"""`compare`: one SUMMARY.md across many results files or folders, reconciled per claim."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import OK
from ..judge.claims import Article, load_article
from ..judge.findings import Summary
from .options import add_check_options, path, written

HELP = "one SUMMARY.md across many results files or folders"


def add_parser(sub) -> argparse.ArgumentParser:
    compare = sub.add_parser("compare", help=HELP)
    compare.add_argument("paths", type=path, nargs="+", help="results.json files, or folders to search for them")
    compare.add_argument("--out", type=path, default=Path("paper"), help="folder for SUMMARY.md (default paper/)")
    add_check_options(compare, "the outcomes reconciled over the counted run sets")
    return compare


def main(args: argparse.Namespace) -> int:
    return compare(args.paths, args.out, args.check, args.claims)


def compare(paths: list[Path], out_dir: Path, check: bool, claims: frozenset[str] | None = None) -> int:
    """Write the summary; with check, return the reconciled outcomes' exit status over the gating claims."""
    from ..judge.reconcile import exit_status

    def summarised() -> int:
        path, summary = judged_summary(paths, out_dir, load_article())
        print(f"summary: {path}")
        return exit_status(summary.reconciled, claims)

    status = written("summary", out_dir, summarised)
    return status if check else OK


def judged_summary(paths: list[Path], out_dir: Path, article: Article) -> tuple[Path, Summary]:
    """Judge decides (every run set, each claim reconciled), render formats: the summary's path and Summary."""
    from ..judge.run_sets import summarise
    from ..render.summary import write_summary

    summary = summarise(paths, out_dir, article)
    return write_summary(summary, out_dir, article), summary
