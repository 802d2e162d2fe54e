"""The Markdown report, rendered from a results file alone (tabulate for every table).

It formats what analysis computed and nothing else: no statistic is derived here.
"""

from __future__ import annotations

from pathlib import Path

from ..files import write_atomically
from ..judge import findings as found
from ..judge.claims import Article
from ..judge.findings import PREDICTED, STALL_SECONDS, STALL_SHARE, TIMES, VERDICTS, Analysis, ModelSummary, Validation
from ..judge.outcomes import NOT_APPLICABLE
from ..judge.record import Record, Setup
from ..judge.stats import MIN_RUNS, interval_label
from ..registry import PLAIN_KERNELS
from . import headline, verdicts
from .deviations import deviation_lines
from .environment import environment_section, memory_text, tf32_text
from .formats import article_value, claim_estimate, estimate_text, ratio, runs_text, validated_quantities
from .markdown import Markdown, bold, code, escape, table

REPORT_NAME = "REPORT.md"
FIGURE_NAME = "figure.png"


def kernel_text(summary: ModelSummary, record: Record) -> Markdown:
    e = next((f.provenance for f in record.fits if f.model == summary.name and f.provenance), None)
    if e is None:
        return escape(summary.unavailable or "-")
    ops = e.cudnn_ops if e.ran_cudnn else e.loop_ops
    shown = ", ".join(f"{code(op)} x{n}" for op, n in list(ops.items())[:3]) or "no recurrent op recorded"
    return Markdown(f"{'cuDNN' if e.ran_cudnn else 'plain loop'}: {shown}")


def verdict_section(analysis: Analysis, article: Article) -> str:
    rows = []
    for v in analysis.verdicts:
        rows.append(
            [
                v.claim.text + (" (derived)" if v.claim.derived else ""),
                article_value(v.claim),
                claim_estimate(v.claim, v.estimate),
                estimate_text(v.step_ratio, ratio, "x"),
                Markdown(v.claim.band()),
                bold(v.label),
                v.detail,
            ]
        )
    headers = [
        "Claim",
        "Article",
        f"This run ({analysis.basis.word})",
        "Steady per-step ratio (measured)",
        "Accepted",
        "Verdict",
        "How judged",
    ]
    note = (
        f"Article-size times: {analysis.basis.how}. Ratios pair the interleaved runs of each repeat; "
        f"brackets are a {interval_label(analysis.level)} on the logs ({MIN_RUNS} runs or more), otherwise "
        "the range of the runs, and a verdict from a range or a single run is only *indicative*. A verdict is decided "
        "when the whole interval lies inside the accepted range (narrowed by the claim's margin) or wholly outside it "
        "(widened by it). The steady per-step ratio compares the kernels alone, free of epoch set-up and "
        f"stalls. The plain LSTM and GRU ran {escape(analysis.place.kernel_name)} ({escape(analysis.place.stack)}; "
        f"the article: {escape(PLAIN_KERNELS[article.plain_kernel].name)}). An absolute time is judged on the "
        f"article's GPU class only: elsewhere it is *{NOT_APPLICABLE}*, which `--check` does not count against a "
        f"run. Claims file version {article.version}; machine-readable: `{verdicts.VERDICTS_NAME}`."
    )
    return "## Verdicts\n\n" + table(rows, headers) + "\n\n" + note + without_teardown_text(analysis)


def without_teardown_text(analysis: Analysis) -> str:
    """The verdicts had the teardown inside these fit() calls been left out, beside those above (the whole
    call, the article's metric), where the calls hold one: a stated deviation shown with its effect."""
    if not analysis.without_teardown:
        return ""
    moved = analysis.moved_by_teardown
    lead = (
        "\n\n**Without the teardown after training** (tf.data's wait inside these `fit()` calls, which Keras "
        "2.0.9 did not have; see the deviations below), the verdicts above, on the whole call, would read: "
    )
    if not moved:
        return lead + "the same, every one."
    return (
        lead
        + "; ".join(
            f"{escape(v.claim.short)}: **{w.label}**, {claim_estimate(w.claim, w.estimate)} "
            f"(above: {v.label}, {claim_estimate(v.claim, v.estimate)})"
            for v, w in moved
        )
        + "."
    )


def times_section(record: Record, analysis: Analysis, article: Article) -> str:
    rows = []
    for name, m in analysis.models.items():
        stalls = f"{len(m.stalls)} ({m.stall_seconds:.1f} s)" if m.stalls else "0"
        rows.append(
            [
                name,
                f"{article.fit_seconds[name]:g}",
                m.unavailable if m.unavailable and not m.ok_runs else estimate_text(m.fit),
                estimate_text(m.first_epoch),
                estimate_text(m.steady_epoch),
                estimate_text(m.step_estimate),
                estimate_text(m.size_estimate),
                f"{m.spread:.0%}" if m.spread is not None else "-",
                str(len(m.ok_runs)),
                stalls if m.ok_runs else "-",
                f"{m.accuracy_pct:.2f}" if m.accuracy_pct is not None else "-",
                f"{article.test_accuracy_pct[name]:.2f}",
            ]
        )
    headers = [
        "Model",
        "Article fit (s)",
        "Fit at this size (s, measured)",
        "First epoch (s)",
        "Steady epoch (s)",
        "Steady step (s)",
        f"Article-size fit (s, {analysis.basis.word})",
        "Spread",
        "Runs",
        "Stalls",
        "Test acc. %",
        "Notebook acc. %",
    ]
    widened = " Predicted article-size times are widened by the predictor's validated error."
    note = (
        "Times are geometric means over runs; brackets as above. The spread is (max - min) / median of the "
        "measured fits. The steady epoch and step are the medians of epochs 2 onwards (a step is read between "
        "batch starts). A stall is an epoch start (Keras setting up its data iterator) slower than the run's "
        f"quickest one by over {STALL_SECONDS:g} s and {STALL_SHARE:.0%} of an epoch."
        + (widened if analysis.basis.kind == PREDICTED else "")
    )
    kernels = table(
        [[name, kernel_text(m, record)] for name, m in analysis.models.items()], ["Model", "Kernel that ran (evidence)"]
    )
    method = record.provenance_method
    evidence = f"\n\nKernel provenance, from {escape(method)}:\n\n{kernels}" if method else ""
    return f"## Training time\n\n{table(rows, headers)}\n\n{note}{evidence}"


def warnings_section(analysis: Analysis, about: str) -> str:
    """The warnings that qualify the table above them."""
    warnings = [w for w in analysis.warnings if w.about == about]
    if not warnings:
        return ""
    return f"What qualifies these {about}:\n\n" + "\n".join(f"- {escape(w.message)} {escape(w.hint)}" for w in warnings)


def telemetry_section(record: Record, models: list[str]) -> str:
    fits = sorted(record.fits, key=lambda f: models.index(f.model) if f.model in models else len(models))
    rows = [
        [
            f.model,
            f.repeat + 1,
            t.samples,
            f"{t.sm_clock_mhz.min}/{t.sm_clock_mhz.median:g}/{t.sm_clock_mhz.max}",
            t.temperature_c.max,
            f"{t.power_w.median:.0f}",
            f"{t.utilization_pct.median:g}",
            ", ".join(t.throttle_reasons) or "none",
        ]
        for f in fits
        if (t := f.telemetry) is not None
    ]
    if not rows:
        reasons = {f.telemetry_reason for f in fits}
        reasons.discard(None)
        return "## GPU telemetry\n\nNone recorded" + (f" ({'; '.join(sorted(reasons))})." if reasons else ".")
    headers = [
        "Model",
        "Run",
        "Samples",
        "SM clock MHz min/median/max",
        "Max temp. C",
        "Median power W",
        "Median util. %",
        "Throttle reasons",
    ]
    return "## GPU telemetry (NVML, sampled during each fit)\n\n" + table(rows, headers)


def computed_section(record: Record, analysis: Analysis, article: Article) -> str:
    s, data = record.settings, record.data
    options = {
        name: ", ".join(f"{k}={v}" for k, v in cfg.items() if k != "parameters") for name, cfg in record.layers.items()
    }
    layer_rows = [[name, text, analysis.models[name].parameters or "-"] for name, text in options.items()]
    origin = f"{code(data.path)}, SHA-256 {code(data.sha256)}" if data.sha256 else f"seed {data.seed}"
    lines = [
        "## What was computed",
        "",
        f"- Data: {bold(data.note)} ({origin}); x_train {data.x_train_shape}, x_test {data.x_test_shape}.",
        f"- Profile `{s.profile}`: {run_shape(s)}, {s.test_samples} test reviews, "
        f"batch {s.batch_size}, maxlen {s.maxlen}, num_words {s.num_words}, "
        f"{s.repeats} run(s) per model planned, seed {s.seed}.",
        f"- Backend {s.backend}, XLA {'on' if s.jit_compile else 'off'}, math `{s.math}`, TF32 {tf32_text(record)}.",
        f"- Article-size times: {analysis.basis.how}.",
        f"- Peak memory: {memory_text(analysis.peak_memory)}.",
        *after_training_lines(analysis.after_training),
        "",
        table(layer_rows, ["Model", "Recurrent layer options", "Parameters"]),
        "",
        "## Deviations from the article",
        "",
        *[f"- {d}" for d in deviation_lines(record, analysis, article)],  # Markdown, foreign parts escaped
    ]
    return "\n".join(lines)


def after_training_lines(after: found.AfterTraining) -> list[str]:
    """What each fit() call did after training, inside its time, and what was released after the clock."""
    if after.teardown_seconds is None:
        return []
    released = (
        f"; the feed's iterator, held past the call, released after the clock in at most {after.released_seconds:.2f} s"
        if after.released_seconds
        else ""
    )
    return [f"- After training, inside each `fit()` call (timed): at most {after.teardown_seconds:.2f} s{released}."]


def run_shape(s: Setup) -> str:
    steps = f", {s.steps_per_epoch} steps each" if s.steps_per_epoch else ""
    return f"{s.train_samples} training reviews, {s.epochs} epochs{steps}"


def validation_section(validation: Validation) -> str:
    """The quick profile's predictions against this article-size run's measurements."""
    rows = [[name, guess, seen, f"{r.error:+.1%}"] for r, name, guess, seen in validated_quantities(validation)]
    headers = ["Quantity", "Quick: predicted (unwidened)", "Measured", "Error"]
    target_error, target_share = validation.target_error, validation.target_share
    share = (
        f"Run time: quick {validation.quick_seconds:.0f} s, this run {validation.full_seconds:.0f} s: "
        f"the quick verdict took {validation.share:.1%} of the time (target: under {target_share:.0%})."
        if validation.share is not None
        else ""
    )
    return (
        "## Quick verdict validation\n\n"
        f"The quick profile ({run_shape(validation.quick_settings)}, "
        f"runs done: {runs_text(validation.quick_runs)}) against this run. Target: within {target_error:.0%}.\n\n"
        f"{table(rows, headers)}\n\n{share}"
    )


def report_text(
    analysis: Analysis, article: Article, figure: str | None = FIGURE_NAME, validation: Validation | None = None
) -> str:
    record = analysis.record
    assert record is not None, "a report is rendered from a results file's analysis"
    s = record.settings
    intro = (
        "# Reproduction report: cuDNN vs plain LSTM/GRU training time\n\n"
        f"Claims of *{article.source['article']}*, checked on {s.backend} with the `{s.profile}` profile. "
        f"Article metric: {article.source['metric']}. This run's article-size times are **{analysis.basis.how}**."
    )
    sections = [
        intro,
        "\n".join(headline.report_lines(analysis)),
        verdict_section(analysis, article),
        warnings_section(analysis, VERDICTS),
        times_section(record, analysis, article),
        warnings_section(analysis, TIMES),
        validation_section(validation) if validation else "",
        f"![Each claim against its accepted range]({figure})" if figure else "",
        computed_section(record, analysis, article),
        telemetry_section(record, list(analysis.models)),
        environment_section(record),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def write_report(analysis: Analysis, article: Article, out_dir: Path, validation: Validation | None = None) -> Path:
    """REPORT.md, figure.png and verdicts.json in out_dir, from the run set's analysis; the report's path."""
    from .plot import plot_run_set

    out_dir.mkdir(parents=True, exist_ok=True)
    figure = plot_run_set(analysis, out_dir.resolve().name, out_dir / FIGURE_NAME)
    verdicts.write(analysis, article, out_dir)
    path = out_dir / REPORT_NAME
    write_atomically(path, report_text(analysis, article, figure.name if figure else None, validation))
    return path
