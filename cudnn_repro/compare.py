"""One summary across run sets (machines, backends, stacks, profiles): SUMMARY.md and a figure.

Each results file is analysed on its own, exactly as its REPORT.md is; this module only
lines the run sets up and reconciles each claim's verdicts across them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from . import outcome, predict
from . import results as results_file
from .analysis import NOT_REPRODUCED, NOT_VERIFIABLE, REPRODUCED, Analysis, Verdict, analyse, validate_prediction
from .claims import Article, RatioClaim
from .environment import ROOT
from .markdown import Markdown, code, escape, table
from .plot import save_figure
from .report import estimate_text, ratio
from .stats import LEVEL

SUMMARY_NAME = "SUMMARY.md"
FIGURE_NAME = "summary.png"


@dataclass
class RunSet:
    name: str  # the results file's folder, relative to where the summary is written
    path: Path  # the results file, resolved
    results: dict
    analysis: Analysis

    def machine(self) -> str:
        env = self.results["environment"]
        return env["gpu"]["name"] if env["gpu"].get("present") else f"{env['cpu']['model']} (no GPU)"

    def stack(self) -> str:
        s = self.results["settings"]
        return f"{s.get('stack', 'keras3')}/{s['backend']}"

    def runtime(self) -> str:
        """Where the workload ran: the Slurm task's runtime, a container, or a local run; and the job."""
        env = self.results["environment"]
        launcher = env.get("launcher", {})
        where = launcher.get("CUDNN_REPRO_RUNTIME") or ("container" if env["container"]["in_container"] else "local")
        array = [launcher.get(k) for k in ("SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID")]
        job = "_".join(array) if all(array) else launcher.get("SLURM_JOB_ID")
        return f"{where}, Slurm job {job}" if job else where

    def tf32(self) -> str:
        tf32 = self.results["settings"].get("tf32")
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
        sets.append(RunSet(os.path.relpath(path.parent, out_dir.resolve()), path, data, analyse(data, article)))
    return sets, unreadable


def missing_run_sets(paths: list[Path], unreadable: dict[Path, str], out_dir: Path) -> list[tuple[str, str]]:
    """Run folders that should be in the summary and are not: unfinished tasks, unreadable files."""
    why = {d.resolve(): reason for d, reason in outcome.unfinished(paths)}
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
        row = [code(rs.name), rs.machine(), rs.stack(), rs.runtime(), s["profile"], s["repeats"], rs.tf32(), a.basis]
        rows.append(row + times)
    headers = ["Run set", "Machine", "Stack/backend", "Ran in", "Profile", "Repeats", "TF32", "Basis"]
    headers += [f"{m} (s)" for m in article.fit_seconds]
    article_row = ["article", article.gpu, f"{article.software['keras']}", "-", "paper", 1, "no TF32", "measured"]
    article_row += [f"{t:g}" for t in article.fit_seconds.values()]
    return table([article_row, *rows], headers)


def verdict_table(sets: list[RunSet], article: Article) -> str:
    rows = [[code(rs.name)] + [verdict_cell(v) for v in rs.analysis.verdicts] for rs in sets]
    return table(rows, ["Run set", *(c.text for c in article.claims)])


def reconcile(claim_index: int, sets: list[RunSet]) -> str:
    """One line per claim: where it held, where it failed, and what that adds up to."""
    groups: dict[str, list[str]] = {}
    for rs in sets:
        v = rs.analysis.verdicts[claim_index]
        groups.setdefault(v.label, []).append(f"{code(rs.name)} ({escape(rs.analysis.basis)})")
    firm = [k for k in (REPRODUCED, NOT_REPRODUCED) if k in groups]
    if len(firm) == 1:
        overall = f"**{firm[0]}** on every run set that judged it firmly"
    elif firm:
        overall = "**depends on the machine or stack**: firmly reproduced on some run sets, not on others"
    elif set(groups) <= {NOT_VERIFIABLE}:
        overall = "**not verifiable** on any run set here"
    else:
        overall = "**undecided**: no run set judged it firmly"
    judged = [f"{k}: {', '.join(v)}" for k, v in groups.items() if k != NOT_VERIFIABLE]
    skipped = len(groups.get(NOT_VERIFIABLE, []))
    return f"{overall}. " + "; ".join(judged + ([f"not verifiable on {skipped} run set(s)"] if skipped else [])) + "."


def validation_table(sets: list[RunSet], article: Article) -> str:
    """The quick predictions against article-size runs, for the pairs the predictor was validated on."""
    by_path = {rs.path: rs for rs in sets}
    rows = []
    for pair in predict.validations():
        quick, full = (by_path.get((ROOT / pair[k]).resolve()) for k in ("quick", "paper"))
        if quick is None or full is None:
            continue
        validation = validate_prediction(full.results, quick.results, article)
        names = Markdown(f"{code(quick.name)} vs {code(full.name)}")
        for r in validation.rows:
            rows.append(
                [names, pair["machine"], r.model, estimate_text(r.predicted),
                 estimate_text(r.measured), f"{r.error:+.1%}", f"{validation.share:.1%}" if validation.share else "-"]
            )  # fmt: skip
    if not rows:
        return ""
    headers = ["Quick vs paper", "Machine", "Model", "Predicted (s)", "Measured (s)", "Error", "Quick's share of time"]
    return table(rows, headers)


def plot_ratios(sets: list[RunSet], article: Article, path: Path) -> Path | None:
    claims = [(i, c) for i, c in enumerate(article.claims) if isinstance(c, RatioClaim)]
    fig, axes = plt.subplots(1, len(claims), figsize=(4 * len(claims), 4), squeeze=False)
    drawn = False
    for ax, (i, claim) in zip(axes[0], claims, strict=True):
        ax.axhline(claim.article_value, color="tab:gray", linestyle="--", label="article")
        seen = [claim.low, claim.article_value]
        for x, rs in enumerate(sets):
            e = rs.analysis.verdicts[i].estimate
            if e is None:
                continue
            drawn = True
            low, high = e.bounds
            seen += [low, high]
            marker = "o" if rs.analysis.basis == "measured" else "s"
            ax.errorbar([x], [e.point], yerr=[[e.point - low], [high - e.point]], fmt=marker, capsize=3)
        ax.set_yscale("log")
        ax.set_ylim(min(seen) / 1.5, max(seen) * 1.5)
        ax.axhspan(claim.low, claim.high or max(seen) * 1.5, color="tab:green", alpha=0.12, label="accepted")
        ax.set_title(f"{claim.numerator} / {claim.denominator}", fontsize=9)
        names = [rs.name.replace("$", r"\$") for rs in sets]  # a folder name is text, never mathtext
        ax.set_xticks(range(len(sets)), names, rotation=60, ha="right", fontsize=7)
    axes[0][0].set_ylabel("time ratio (o measured, s predicted)")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    if not drawn:
        plt.close(fig)
        return None
    save_figure(fig, path)
    return path


def render(sets: list[RunSet], article: Article, figure: str | None, missing: list[tuple[str, str]]) -> str:
    lines = [
        "# Summary across run sets: cuDNN vs plain LSTM/GRU training time",
        "",
        f"Claims of *{article.source['article']}* (claims file version {article.version}), judged on each run set "
        f"as in its own REPORT.md, then reconciled. Every time is at the article's size "
        f"({article.size['train_samples']:,} reviews, {article.size['epochs']} epochs): **measured** on a "
        "paper-profile run set, **predicted** from a quick one (see each report for the method and its validated "
        f"error). Brackets: {LEVEL:.0%} t-interval on logs; 'range': too few runs for one.",
        "",
        "## Run sets and article-size fit times",
        "",
        run_set_table(sets, article),
        "",
        "## Verdicts per run set",
        "",
        verdict_table(sets, article),
        "",
        "## Each claim, reconciled",
        "",
        *[f"- *{c.text}* (article {c.article_value:g}): {reconcile(i, sets)}" for i, c in enumerate(article.claims)],
    ]
    validation = validation_table(sets, article)
    if validation:
        lines += [
            "",
            "## The quick prediction, validated",
            "",
            f"Unwidened predictions against paper-size runs on the same machine. The largest error, rounded up, "
            f"is the predictor's validated error ({predict.validated_error():.0%}) that widens every predicted "
            "interval.",
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
    warned = [(rs.name, w) for rs in sets for w in rs.analysis.warnings]
    if warned:
        lines += ["", "## Warnings, by run set", "", *[f"- {code(name)}: {escape(w.message)}" for name, w in warned]]
    if figure:
        lines += ["", f"![Ratios per run set]({figure})"]
    return "\n".join(lines) + "\n"


def write_summary(paths: list[Path], out_dir: Path, article: Article) -> Path:
    sets, unreadable = load_run_sets(paths, out_dir, article)
    missing = missing_run_sets(paths, unreadable, out_dir)
    if not sets and not missing:
        raise results_file.ResultsError(f"no {results_file.RESULTS_NAME} under {', '.join(map(str, paths))}")
    out_dir.mkdir(parents=True, exist_ok=True)
    figure = plot_ratios(sets, article, out_dir / FIGURE_NAME)
    path = out_dir / SUMMARY_NAME
    results_file.write_atomically(path, render(sets, article, figure.name if figure else None, missing))
    return path
