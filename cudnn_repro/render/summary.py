"""One summary across run sets (machines, backends, stacks, profiles): SUMMARY.md, summary.json and
a figure, formatted from what judge/run_sets.py decided (each run set analysed as its REPORT.md is,
each claim reconciled across them)."""

from __future__ import annotations

from pathlib import Path

from ..files import write_atomically, write_json
from ..judge.claims import Article
from ..judge.findings import (
    EVIDENCE_ORDER,
    TIMES,
    VERDICTS,
    Judged,
    Reconciled,
    RunSet,
    RunWarning,
    Summary,
    Verdict,
)
from ..judge.stats import estimate_record, interval_label
from ..registry import PLAIN_KERNELS
from . import headline
from .claims_table import claims_table
from .environment import ran_in
from .formats import claim_estimate, estimate_text, tf32_word, validated_quantities
from .markdown import Markdown, bold, code, escape, table
from .plot import plot_summary

SUMMARY_NAME = "SUMMARY.md"
SUMMARY_JSON = "summary.json"
SUMMARY_SCHEMA = "cudnn-repro/summary"
# 3: a run set's "firm" (which meant: 3 runs or more) is "indicative" (fewer) and "decided" (a firm answer);
# "firm_run_sets" is "decided_run_sets". An older file is upgraded by running `compare` again.
SUMMARY_VERSION = 3
FIGURE_NAME = "summary.png"


def stack(rs: RunSet) -> str:
    return f"{rs.record.settings.stack}/{rs.record.settings.backend}"


def runs_done(rs: RunSet) -> str:
    """Runs done per model (fewest-most), not the repeats planned."""
    done = sorted(set(rs.analysis.runs_done.values()))
    return "-" if not done else str(done[0]) if len(done) == 1 else f"{done[0]}-{done[-1]}"


def runtime(rs: RunSet) -> str:
    """Where the workload ran: the Slurm task's runtime, or environment.ran_in; and the job."""
    r = rs.record
    where = r.runtime or ran_in(r.image, short=True)
    return f"{where}, Slurm job {r.slurm_job}" if r.slurm_job else where


def verdict_cell(v: Verdict) -> Markdown:
    if v.estimate is None:
        return escape(v.label)
    return Markdown(f"{escape(v.label)}: {claim_estimate(v.claim, v.estimate)}")


def run_set_table(sets: list[RunSet], article: Article) -> str:
    rows = []
    for rs in sets:
        a = rs.analysis
        times = [estimate_text(a.models[m].size_estimate) if m in a.models else "-" for m in article.fit_seconds]
        row = [code(rs.name), rs.record.machine, stack(rs), a.place.kernel_short, runtime(rs),
               rs.record.settings.profile, runs_done(rs), tf32_word(rs.record.settings.tf32), str(a.basis)]  # fmt: skip
        rows.append(row + times)
    headers = ["Run set", "Machine", "Stack/backend", "Plain kernel", "Ran in", "Profile", "Runs done", "TF32", "Basis"]
    headers += [f"{m} (s)" for m in article.fit_seconds]
    kernel = PLAIN_KERNELS[article.plain_kernel].short
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


def validation_table(summary: Summary) -> str:
    """The quick predictions against article-size runs: the pairs the predictor is validated on, then those
    that do not compare like with like, each with why."""
    rows = []
    for pair in sorted(summary.validations, key=lambda p: p.unlike is not None):
        v = pair.validation
        names = Markdown(f"{code(pair.quick)} vs {code(pair.paper)}")
        for r, name, guess, seen in validated_quantities(v):
            charged = f"{r.charged:+.1%}" if pair.unlike is None else f"not counted: {pair.unlike}"
            share = f"{v.share:.1%}" if v.share else "-"
            rows.append([names, pair.machine, name, guess, seen, f"{r.error:+.1%}", charged, share])
    if not rows:
        return ""
    headers = ["Quick vs paper", "Machine", "Quantity", "Predicted", "Measured", "Error",
               "Charged (beyond the reference's noise)", "Quick's share of time"]  # fmt: skip
    return table(rows, headers)


def qualifying(sets: list[RunSet], about: str) -> list[str]:
    lines = warnings_list(sets, about)
    return ["", f"What qualifies these {about}:", "", *lines] if lines else []


def brackets_text(sets: list[RunSet]) -> Markdown:
    """Each bracket's level, named per run set where they differ: 97.5 % per look under the stopping rule."""
    levels: dict[float, list[str]] = {}
    for rs in sets:
        levels.setdefault(rs.analysis.level, []).append(rs.name)
    if len(levels) == 1:
        return Markdown(f"{interval_label(next(iter(levels)))} on logs")
    common = max(levels, key=lambda level: len(levels[level]))
    named = [f"{interval_label(level)} on logs for {', '.join(code(n) for n in names)}"
             for level, names in levels.items() if level != common]  # fmt: skip
    return Markdown("; ".join(named) + f"; {interval_label(common)} on logs for the others")


def summary_text(summary: Summary, article: Article, figure: str | None) -> str:
    sets, reconciled, missing = summary.sets, summary.reconciled, summary.missing
    lines = [
        "# Summary across run sets: cuDNN vs plain LSTM/GRU training time",
        "",
        claims_table(summary_record(summary, article), article),
        "",
        *[headline.summary_line(r, article) for r in reconciled],
        "",
        f"Claims of *{article.source['article']}* (claims file version {article.version}), judged on each run set "
        f"as in its own REPORT.md, then reconciled per place (the device, and the stack with the kind of kernel "
        f"its plain LSTM/GRU run), then across places, over the run sets whose method is current (superseded ones "
        f"are listed, not counted). A place's outcome is the decided verdict its run sets share (*conflicting* when "
        f"they differ, *undecided* when none is decided); the run set named for it is the most direct by this order: "
        f"{'; '.join(EVIDENCE_ORDER)}. The article's plain kernel: "
        f"{PLAIN_KERNELS[article.plain_kernel].name}. Every time is at the article's size "
        f"({article.size['train_samples']:,} reviews, {article.size['epochs']} epochs): **measured** on a "
        "paper-profile run set, **predicted** from a quick one (see each report for the method and its validated "
        f"error). Brackets: {brackets_text(sets)}; 'range': too few runs for one. Machine-readable: `{SUMMARY_JSON}`.",
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
    validation = validation_table(summary)
    if validation:
        lines += [
            "",
            "## The quick prediction, validated",
            "",
            "Unwidened predictions against paper-size runs on the same machine: the run sets above and the "
            "benchmark's pairs (`bench/quick_vs_full.py`). A pair counts where it compares like with like (the "
            "reference runs whole epochs of the article's batches; neither side's fits wait after training) and "
            "the machine's drift hits both sides alike (their invocations take turns, or the quick run follows "
            "its reference straight away in its image); its error is charged only beyond one standard error of "
            "the reference's mean, the reference's noise being its own. The largest counted error, rounded up, "
            f"is the predictor's validated error: of a fit time ({summary.validated_error:.0%}), which widens every "
            f"predicted fit time's interval, and of a ratio ({summary.validated_ratio_error:.0%}), which widens "
            "every predicted ratio's interval: a ratio is validated as itself, since both of its models are "
            "predicted in one run and their errors share the machine's speed.",
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


def judged_record(j: Judged) -> dict:
    v = j.verdict
    return {
        "run_set": j.run_set,
        "verdict": v.verdict,
        "direction": v.direction,
        "indicative": v.indicative,
        "decided": v.decided,
        "basis": j.analysis.basis.kind,
        **estimate_record(v.estimate),
        "confounds": v.confounds,
    }


def claim_record(r: Reconciled) -> dict:
    """summary.json's claim: the outcome, each place's outcome and evidence, where it was never tried,
    and the run sets counted and set aside."""
    places = [
        {
            "device": p.place.device,
            "stack": p.place.stack,
            "plain_kernel": p.place.kernel,
            "outcome": p.outcome,
            "evidence": p.evidence.run_set,
            "run_sets": [judged_record(j) for j in p.judged],
        }
        for p in r.places
    ]
    return {
        "claim": r.claim.id,
        "text": r.claim.text,
        "outcome": r.outcome,
        "places": places,
        "never_tried": [{"device": u.device, "plain_kernel": u.kernel} for u in r.never_tried],
        "decided_run_sets": [j.run_set for j in r.decided],
        "set_aside": [{"run_set": j.run_set, "reasons": reasons} for j, reasons in r.set_aside],
    }


def summary_record(summary: Summary, article: Article) -> dict:
    """Each claim's outcome by place, its evidence and where it was never tried."""
    return {
        "schema": SUMMARY_SCHEMA,
        "version": SUMMARY_VERSION,
        "claims_version": article.version,
        "exit_status": summary.exit_status,
        "claims": [claim_record(r) for r in summary.reconciled],
        "missing": [{"run_set": name, "reason": why} for name, why in summary.missing],
    }


def write_summary(summary: Summary, out_dir: Path, article: Article) -> Path:
    """SUMMARY.md, summary.json and the figure in out_dir; the summary's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    figure = plot_summary(summary.reconciled, out_dir / FIGURE_NAME)
    write_json(summary_record(summary, article), out_dir / SUMMARY_JSON)
    path = out_dir / SUMMARY_NAME
    write_atomically(path, summary_text(summary, article, figure.name if figure else None))
    return path
