"""`compare`: one SUMMARY.md across many results files or folders, reconciled per claim."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import INPUT_ERROR, OK, SOME_NOT_REPRODUCED, UNDECIDED
from ..judge.claims import load_article
from .options import path, written

HELP = "one SUMMARY.md across many results files or folders"


def add_parser(sub) -> argparse.ArgumentParser:
    compare = sub.add_parser("compare", help=HELP)
    compare.add_argument("paths", type=path, nargs="+", help="results.json files, or folders to search for them")
    compare.add_argument("--out", type=path, default=Path("paper"), help="folder for SUMMARY.md (default paper/)")
    compare.add_argument(
        "--check",
        action="store_true",
        help=f"exit by the reconciled outcomes: {OK} every claim reproduced, {SOME_NOT_REPRODUCED} some claim "
        f"firmly not reproduced on a counted run set, {UNDECIDED} otherwise ({INPUT_ERROR}: no results file can be "
        "read)",
    )
    return compare


def main(args: argparse.Namespace) -> int:
    return compare(args.paths, args.out, args.check)


def compare(paths: list[Path], out_dir: Path, check: bool) -> int:
    """Write the summary; with check, return the reconciled outcomes' exit status."""
    from ..render.summary import write_summary

    def summarise() -> int:
        summary, status = write_summary(paths, out_dir, load_article())
        print(f"summary: {summary}")
        return status

    status = written("summary", out_dir, summarise)
    return status if check or status == INPUT_ERROR else OK
