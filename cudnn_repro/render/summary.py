"""One summary across run sets (machines, backends, stacks, profiles): SUMMARY.md and a figure.

Each results file is analysed on its own, exactly as its REPORT.md is; this module only
lines the run sets up and reconciles each claim's verdicts across them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .. import ROOT, task_status
from .. import results as results_file
from ..judge import predict
from ..judge.analysis import (
    TIMES,
    VERDICTS,
    Analysis,
    RunWarning,
    Verdict,
    analyse,
    runs_done,
    validate_prediction,
)
from ..judge.claims import Article, RatioClaim
from ..judge.reconcile import EVIDENCE_ORDER, Reconciled, exit_status, reconcile_all, records
from ..judge.stats import LEVEL
from ..results import ResultsFile
from ..settings import PLAIN_KERNELS
from ..variables import RUNTIME_ENV
from . import headline
from .markdown import Markdown, bold, code, escape, table
from .plot import plot_summary
from .report import estimate_text, ran_in, ratio

SUMMARY_NAME = "SUMMARY.md"
SUMMARY_JSON = "summary.json"
SUMMARY_SCHEMA = "cudnn-repro/summary"
FIGURE_NAME = "summary.png"


@dataclass
class RunSet:
    name: str  # the results file's folder, relative to where the summary is written
    path: Path  # the results file, resolved
    results: ResultsFile
    analysis: Analysis

    def stack(self) -> str:
        s = self.results["settings"]
        return f"{s['stack']}/{s['backend']}"

    def runs_done(self) -> str:
        """Runs done per model (fewest-most), not the repeats planned."""
        done = sorted(set(runs_done(self.results).values()))
        return "-" if not done else str(done[0]) if len(done) == 1 else f"{done[0]}-{done[-1]}"

    def runtime(self) -> str:
        """Where the workload ran: the Slurm task's runtime, or report.ran_in; and the job."""
        env = self.results["environment"]
        launcher = env.get("launcher", {})
        where = launcher.get(RUNTIME_ENV) or ran_in(env["container"], short=True)
        array = [launcher.get(k) for k in ("SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID")]
        job = "_".join(array) if all(array) else launcher.get("SLURM_JOB_ID")
        return f"{where}, Slurm job {job}" if job else where

    def tf32(self) -> str:
        tf32 = self.results["settings"]["tf32"]
        return "not controlled" if tf32 is None else "on" if tf32 else "off"


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


def verdict_cell(v: Verdict) -> Markdown:
    if v.estimate is None:
        return escape(v.label)
    value = estimate_text(v.estimate, ratio, "x") if isinstance(v.claim, RatioClaim) else estimate_text(v.estimate)
    return Markdown(f"{escape(v.label)}: {value}")


def run_set_table(sets: list[RunSet], article: Article) -> str:
    rows = []
    for rs in sets:
        s, a = rs.results["settings"], rs.analysis
        times = [estimate_text(a.models[m].size_estimate) if m in a.models else "-" for m in article.fit_seconds]
        row = [code(rs.name), headline.machine(rs.results), rs.stack(), a.place.kernel_short, rs.runtime(),
               s["profile"], rs.runs_done(), rs.tf32(), str(a.basis)]  # fmt: skip
        rows.append(row + times)
    headers = ["Run set", "Machine", "Stack/backend", "Plain kernel", "Ran in", "Profile", "Runs done", "TF32", "Basis"]
    headers += [f"{m} (s)" for m in article.fit_seconds]
    kernel = PLAIN_KERNELS[article.plain_kernel]["short"]
    article_row = ["article", article.gpu, f"{article.software['keras']}", kernel, "-", "paper", 1, "no TF32",
                   "measured"]  # fmt: skip
    article_row += [f"{t:g}" for t in article.fit_seconds.values()]
    return table([article_row, *rows], headers)


def verdict_table(sets: list[RunSet], article: Article) -> str:
    rows = [[code(rs.name)] + [verdict_cell(v) for v in rs.analysis.verdicts] for rs in sets]
    return table(rows, ["Run set", *(c.text for c in article.claims)])


def reconciled_lines(r: Reconciled) -> list[str]:
    """Each place's outcome and every counted run set's verdict there, most direct first; the set-aside ones."""
    lines = [f"- *{escape(r.claim.text)}* (article {r.claim.article_value:g}): {bold(r.outcome)}"]
    for p in r.places:
        verdicts = ", ".join(f"{code(j.run_set)} {escape(j.verdict.label)}" for j in p.judged)
        where = f"{escape(p.place.device)}, {escape(p.place.stack)} (plain kernel: {escape(p.place.kernel_short)})"
        lines.append(f"  - {where}: {bold(p.outcome)}: {verdicts}.")
    if r.set_aside:
        lines.append("  - set aside: " + ", ".join(code(j.run_set) for j, _ in r.set_aside) + ".")
    return lines


def set_aside_lines(reconciled: list[Reconciled]) -> list[str]:
    """Each run set that no claim counts, and why its method is superseded."""
    aside = {j.run_set: why for r in reconciled for j, why in r.set_aside}
    if not aside:
        return []
    listed = [f"- {code(name)}: {escape('; '.join(why))}." for name, why in aside.items()]
    return ["", "Set aside, listed but not counted (superseded method; rerun with the current package to count):", "",
            *listed]  # fmt: skip


def warnings_list(sets: list[RunSet], about: str) -> list[str]:
    """One line per kind of warning, naming the run sets it applies to, instead of one per warning."""
    kinds: dict[str, list[tuple[str, RunWarning]]] = {}
    for rs in sets:
        for w in rs.analysis.warnings:
            if w.about == about:
                kinds.setdefault(w.kind, []).append((rs.name, w))
    lines = []
    for kind, seen in kinds.items():
        where: dict[str, list[str]] = {}
        for name, w in seen:
            where.setdefault(name, []).append(w.detail)
        named = ", ".join(code(n) + (f" ({escape('; '.join(d for d in ds if d))})" if any(ds) else "")
                          for n, ds in where.items())  # fmt: skip
        lines.append(f"- {bold(kind)}: {named}. {escape(seen[0][1].hint)}")
    return lines


Named = tuple[str, ResultsFile]  # a run set's name in the summary, and its results


def validation_pairs(sets: list[RunSet]) -> list[tuple[dict, Named, Named]]:
    """The (quick, paper) pairs the predictor was validated on: run sets of this summary, else the
    committed files themselves (the benchmark's pairs), read here so the table only formats."""
    by_path = {rs.path: (rs.name, rs.results) for rs in sets}

    def find(path: str) -> Named | None:
        resolved = (ROOT / path).resolve()
        if resolved in by_path:
            return by_path[resolved]
        return (path.removesuffix("/results.json"), results_file.load(resolved)) if resolved.is_file() else None

    pairs = [(pair, find(pair["quick"]), find(pair["paper"])) for pair in predict.validations()]
    return [(pair, quick, full) for pair, quick, full in pairs if quick is not None and full is not None]


def validation_table(pairs: list[tuple[dict, Named, Named]], article: Article) -> str:
    """The quick predictions against article-size runs, for the pairs the predictor was validated on."""
    rows = []
    for pair, quick, full in pairs:
        validation = validate_prediction(full[1], quick[1], article)
        names = Markdown(f"{code(quick[0])} vs {code(full[0])}")
        for r in validation.rows:
            rows.append(
                [names, pair["machine"], r.model, estimate_text(r.predicted),
                 estimate_text(r.measured), f"{r.error:+.1%}", f"{validation.share:.1%}" if validation.share else "-"]
            )  # fmt: skip
    if not rows:
        return ""
    headers = ["Quick vs paper", "Machine", "Model", "Predicted (s)", "Measured (s)", "Error", "Quick's share of time"]
    return table(rows, headers)


def qualifying(sets: list[RunSet], about: str) -> list[str]:
    lines = warnings_list(sets, about)
    return ["", f"What qualifies these {about}:", "", *lines] if lines else []


def summary_text(
    sets: list[RunSet], article: Article, reconciled: list[Reconciled], figure: str | None,
    missing: list[tuple[str, str]], pairs: list[tuple[dict, Named, Named]],
) -> str:  # fmt: skip
    lines = [
        "# Summary across run sets: cuDNN vs plain LSTM/GRU training time",
        "",
        *[headline.summary_line(r, article) for r in reconciled],
        "",
        f"Claims of *{article.source['article']}* (claims file version {article.version}), judged on each run set "
        f"as in its own REPORT.md, then reconciled per place (the device, and the stack with the kind of kernel "
        f"its plain LSTM/GRU run), then across places, over the run sets whose method is current (superseded ones "
        f"are listed, not counted). A place's outcome is the firm verdict its run sets share (*conflicting* when "
        f"they differ, *undecided* when none is firm); the run set named for it is the most direct by this order: "
        f"{'; '.join(EVIDENCE_ORDER)}. The article's plain kernel: "
        f"{PLAIN_KERNELS[article.plain_kernel]['name']}. Every time is at the article's size "
        f"({article.size['train_samples']:,} reviews, {article.size['epochs']} epochs): **measured** on a "
        "paper-profile run set, **predicted** from a quick one (see each report for the method and its validated "
        f"error). Brackets: {LEVEL:.0%} t-interval on logs; 'range': too few runs for one. Machine-readable: "
        f"`{SUMMARY_JSON}`.",
        "",
        "## Run sets and article-size fit times",
        "",
        run_set_table(sets, article),
        *qualifying(sets, TIMES),
        "",
        "## Verdicts per run set",
        "",
        verdict_table(sets, article),
        *qualifying(sets, VERDICTS),
        "",
        "## Each claim, reconciled",
        "",
        *[line for r in reconciled for line in reconciled_lines(r)],
        *set_aside_lines(reconciled),
    ]
    validation = validation_table(pairs, article)
    if validation:
        lines += [
            "",
            "## The quick prediction, validated",
            "",
            "Unwidened predictions against paper-size runs on the same machine: the run sets above and the "
            "benchmark's pairs (`bench/quick_vs_full.py`). The largest error in this table, rounded up, is the "
            f"predictor's validated error ({predict.validated_error():.0%}) that widens every predicted interval.",
            "",
            validation,
        ]
    if missing:
        lines += [
            "",
            "## Run sets missing from this summary",
            "",
            "Scheduled tasks that did not finish (each one's log is `task.log` in its folder) and results files "
            "that cannot be read: none of their times appear above.",
            "",
            *[f"- {code(name)}: {escape(why)}" for name, why in missing],
        ]
    if figure:
        lines += ["", f"![Each claim per run set, by place, against its accepted range]({figure})"]
    return "\n".join(lines) + "\n"


def summary_record(article: Article, reconciled: list[Reconciled], missing: list[tuple[str, str]]) -> dict:
    """Version 2: each claim's outcome by place, its evidence and where it was never tried."""
    return {
        "schema": SUMMARY_SCHEMA,
        "version": 2,
        "claims_version": article.version,
        "exit_status": exit_status(reconciled),
        "claims": records(reconciled),
        "missing": [{"run_set": name, "reason": why} for name, why in missing],
    }


def write_summary(
    paths: list[Path], out_dir: Path, article: Article, claims: frozenset[str] | None = None
) -> tuple[Path, int]:
    """SUMMARY.md, summary.json and the figure in out_dir; the summary's path and `compare --check`'s status
    over the gating claims (all by default)."""
    sets, unreadable = load_run_sets(paths, out_dir, article)
    missing = missing_run_sets(paths, unreadable, out_dir)
    if not sets and not missing:
        raise results_file.ResultsError(f"no {results_file.RESULTS_NAME} under {', '.join(map(str, paths))}")
    out_dir.mkdir(parents=True, exist_ok=True)
    reconciled = reconcile_all(article, [(rs.name, rs.analysis) for rs in sets])
    figure = plot_summary(reconciled, out_dir / FIGURE_NAME)
    record = summary_record(article, reconciled, missing)
    results_file.write_json(record, out_dir / SUMMARY_JSON)
    path = out_dir / SUMMARY_NAME
    text = summary_text(sets, article, reconciled, figure.name if figure else None, missing, validation_pairs(sets))
    results_file.write_atomically(path, text)
    return path, exit_status(reconciled, claims)
