"""Many run sets at once: found under the paths a user names, each analysed as its own report is,
each claim reconciled across them, and the quick prediction validated on the pairs it was validated
on. `compare` hands the Summary to render/summary.py, which only formats it."""

from __future__ import annotations

import os
from pathlib import Path

from .. import ROOT, task_status
from .. import results as results_file
from ..results import ResultsFile
from . import predict
from .analysis import analyse, validate_prediction
from .claims import Article
from .findings import RunSet, Summary, ValidatedPair
from .reconcile import exit_status, reconcile_all


def find_results(paths: list[Path]) -> list[Path]:
    """Results files named directly, or found anywhere under a named folder."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.rglob(results_file.RESULTS_NAME))
        elif path.exists():
            found.append(path)
        else:
            raise results_file.ResultsError(f"{path}: no such file or folder")
    return list(dict.fromkeys(p.resolve() for p in found))


def load_run_sets(paths: list[Path], out_dir: Path, article: Article) -> tuple[list[RunSet], dict[Path, str]]:
    """The readable run sets, and why each file found in a folder could not be read (a file
    named on the command line must be readable)."""
    named = {p.resolve() for p in paths if p.is_file()}
    sets, unreadable = [], {}
    for path in find_results(paths):
        try:
            data = results_file.load(path)
        except results_file.ResultsError as error:
            if path in named:
                raise
            unreadable[path.parent] = str(error)
            continue
        name = os.path.relpath(path.parent, out_dir.resolve())  # the summary's own folder: by its name
        sets.append(RunSet(path.parent.name if name == "." else name, path, data, analyse(data, article)))
    return sets, unreadable


def missing_run_sets(paths: list[Path], unreadable: dict[Path, str], out_dir: Path) -> list[tuple[str, str]]:
    """Run folders that should be in the summary and are not: unfinished tasks, unreadable files."""
    why = {d.resolve(): reason for d, reason in task_status.unfinished(paths)}
    for folder, reason in unreadable.items():
        why.setdefault(folder, reason)  # a failed task's own reason already says what went wrong
    return [(os.path.relpath(d, out_dir.resolve()), reason) for d, reason in sorted(why.items())]


def validated_pairs(sets: list[RunSet], article: Article) -> list[ValidatedPair]:
    """The (quick, paper) pairs the predictor was validated on: run sets of this summary, else the
    committed files themselves (the benchmark's pairs)."""
    by_path = {rs.path: (rs.name, rs.results) for rs in sets}

    def find(path: str) -> tuple[str, ResultsFile] | None:
        resolved = (ROOT / path).resolve()
        if resolved in by_path:
            return by_path[resolved]
        return (path.removesuffix("/results.json"), results_file.load(resolved)) if resolved.is_file() else None

    pairs = []
    for pair in predict.validations():
        quick, paper = [find(path) for path in pair["quick"]], [find(path) for path in pair["paper"]]
        if all(quick) and all(paper):
            quick_side, paper_side = [q[1] for q in quick if q], [p[1] for p in paper if p]
            validation = validate_prediction(paper_side, quick_side, article)
            why = predict.unlike(paper_side, quick_side, article.size)
            pairs.append(ValidatedPair(pair["machine"], side_name(quick), side_name(paper), validation, why))
    return pairs


def side_name(side: list) -> str:
    """A side's run set name, or its invocations' folder and name as a wildcard (pair-1/quick-*), and how many."""
    names = [name for name, _ in side]
    if len(names) == 1:
        return names[0]
    stems = "|".join(sorted({os.path.basename(name).rstrip("0123456789") for name in names}))
    return f"{os.path.commonpath(names)}/{stems}* ({len(names)} invocations)"


def summarise(paths: list[Path], out_dir: Path, article: Article) -> Summary:
    """Every run set under `paths`, named relative to `out_dir` (where the summary is written), judged."""
    sets, unreadable = load_run_sets(paths, out_dir, article)
    missing = missing_run_sets(paths, unreadable, out_dir)
    if not sets and not missing:
        raise results_file.ResultsError(f"no {results_file.RESULTS_NAME} under {', '.join(map(str, paths))}")
    reconciled = reconcile_all(article, [(rs.name, rs.analysis) for rs in sets])
    validations = validated_pairs(sets, article)
    errors = predict.validated_error(), predict.validated_ratio_error()
    return Summary(sets, missing, reconciled, validations, *errors, exit_status(reconciled))
