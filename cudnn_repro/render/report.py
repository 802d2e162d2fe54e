"""The Markdown report, rendered from a results file alone (tabulate for every table).

It formats what analysis computed and nothing else: no statistic is derived here.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..judge import findings as found
from ..judge.claims import Article, RatioClaim
from ..judge.findings import (
    NOT_APPLICABLE,
    PREDICTED,
    STALL_SECONDS,
    STALL_SHARE,
    TIMES,
    VERDICTS,
    Analysis,
    Deviation,
    ModelSummary,
    Validation,
)
from ..judge.stats import MIN_RUNS, Estimate, level_text
from ..registry import FRAMEWORK_FACTS, PLAIN_KERNELS, STACK_FACTS
from ..results import Container, Environment, ResultsFile, RunSettings, write_atomically
from ..settings import ADAM_EPSILON
from . import headline, verdicts
from .markdown import Markdown, bold, code, escape, join, table

REPORT_NAME = "REPORT.md"
FIGURE_NAME = "figure.png"

EPSILON = f"{ADAM_EPSILON:.0e}".replace("e-0", "e-")  # 1e-8, as Keras' documentation writes it


def secs(x: float) -> str:
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}" if x >= 0.1 else f"{x:.4f}"


def estimate_text(e: Estimate | None, fmt=secs, unit: str = "") -> Markdown:
    """'x [lo, hi]' for an interval, 'x (range lo-hi)' for two runs, 'x' for one."""
    if e is None:
        return Markdown("-")
    point = f"{fmt(e.point)}{unit}"
    if e.low is None:
        return Markdown(point)
    if e.interval:
        return Markdown(f"{point} [{fmt(e.low)}, {fmt(e.high)}]")
    return Markdown(f"{point} (range {fmt(e.low)}-{fmt(e.high)})")


def ratio(x: float) -> str:
    return f"{x:.2f}"


def kernel_text(summary: ModelSummary) -> Markdown:
    evidence = [r["provenance"] for r in summary.ok_runs if "provenance" in r]
    if not evidence:
        return escape(summary.unavailable or "-")
    e = evidence[0]
    ops = e["cudnn_ops"] if e["ran_cudnn"] else e["loop_ops"]
    shown = ", ".join(f"{code(op)} x{n}" for op, n in list(ops.items())[:3]) or "no recurrent op recorded"
    return Markdown(f"{'cuDNN' if e['ran_cudnn'] else 'plain loop'}: {shown}")


def verdict_section(analysis: Analysis, article: Article) -> str:
    rows = []
    for v in analysis.verdicts:
        unit = "x" if isinstance(v.claim, RatioClaim) else " s"
        article_value = f"{v.claim.article_value:.2f}x" if unit == "x" else f"{v.claim.article_value:g} s"
        fmt = ratio if unit == "x" else secs
        rows.append(
            [
                v.claim.text + (" (derived)" if v.claim.derived else ""),
                article_value,
                estimate_text(v.estimate, fmt, unit),
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
        f"brackets are a {level_text(analysis.level)} t-interval on the logs ({MIN_RUNS} runs or more), otherwise "
        "the range of the runs, and a verdict from a range or a single run is only *indicative*. A verdict is firm "
        "when the whole interval lies inside the accepted range (narrowed by the claim's margin) or wholly outside it "
        "(widened by it). The steady per-step ratio compares the kernels alone, free of epoch set-up and "
        f"stalls. The plain LSTM and GRU ran {escape(analysis.place.kernel_name)} ({escape(analysis.place.stack)}; "
        f"the article: {escape(PLAIN_KERNELS[article.plain_kernel]['name'])}). An absolute time is judged on the "
        f"article's GPU class only: elsewhere it is *{NOT_APPLICABLE}*, which `--check` does not count against a "
        f"run. Claims file version {article.version}; machine-readable: `{verdicts.VERDICTS_NAME}`."
    )
    return "## Verdicts\n\n" + table(rows, headers) + "\n\n" + note


def times_section(results: ResultsFile, analysis: Analysis, article: Article) -> str:
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
        [[name, kernel_text(m)] for name, m in analysis.models.items()], ["Model", "Kernel that ran (evidence)"]
    )
    method = next((r["provenance"]["method"] for r in results["runs"] if "provenance" in r), None)
    evidence = f"\n\nKernel provenance, from {escape(method)}:\n\n{kernels}" if method else ""
    return f"## Training time\n\n{table(rows, headers)}\n\n{note}{evidence}"


def warnings_section(analysis: Analysis, about: str) -> str:
    """The warnings that qualify the table above them."""
    warnings = [w for w in analysis.warnings if w.about == about]
    if not warnings:
        return ""
    return f"What qualifies these {about}:\n\n" + "\n".join(f"- {escape(w.message)} {escape(w.hint)}" for w in warnings)


def telemetry_section(analysis: Analysis) -> str:
    rows = []
    for name, m in analysis.models.items():
        for r in m.ok_runs:
            t = r.get("telemetry", {})
            if t.get("samples"):
                clock = t["sm_clock_mhz"]
                rows.append(
                    [
                        name,
                        r["repeat"] + 1,
                        t["samples"],
                        f"{clock['min']}/{clock['median']:g}/{clock['max']}",
                        t["temperature_c"]["max"],
                        f"{t['power_w']['median']:.0f}",
                        f"{t['utilization_pct']['median']:g}",
                        ", ".join(t["throttle_reasons"]) or "none",
                    ]
                )
    if not rows:
        reasons = {r.get("telemetry", {}).get("reason") for m in analysis.models.values() for r in m.ok_runs}
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


class Unknown(dict):
    """A template's fields: a package the run did not record reads '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def framework_versions(packages: dict[str, str]) -> dict[str, str]:
    """Each framework's version by its key, naming the wheel when it is not the framework's own name
    (TensorFlow's CPU-only tensorflow-cpu)."""
    versions = {}
    for key, facts in FRAMEWORK_FACTS.items():
        wheel = next((p for p in facts["packages"] if p in packages), None)
        if wheel:
            named = "" if wheel == facts["packages"][0] else f" (the {wheel} wheel)"
            versions[key] = escape(packages[wheel]) + named
    return versions


def deviation_lines(results: ResultsFile, analysis: Analysis, article: Article) -> list[str]:
    """What the stack always differs by (its templates in stacks.json), then each deviation judge found."""
    s = results["settings"]
    return stack_deviations(results, article) + [deviation_text(d, s["stack"], article) for d in analysis.deviations]


def stack_deviations(results: ResultsFile, article: Article) -> list[str]:
    """The stack's own deviations, its templates filled from the results file (foreign values escaped)."""
    s, packages = results["settings"], results["environment"]["packages"]
    plain = first_layer(results, "LSTM", "GRU")
    fields = Unknown({name.replace("-", "_"): escape(version) for name, version in packages.items()})
    fields |= framework_versions(packages) | {
        "tf_keras": escape(s.get("tf_keras", "?")),
        "optimizer": escape(first_layer(results, *s["models"]).get("optimizer", "Adam")),
        "backend": s["backend"],
        "implementation": ", `implementation=1`" if "implementation" in plain else "",
        "epsilon": EPSILON,
        "batch_size": s["batch_size"],
        "evaluate_batch_size": article.evaluate_batch_size,
        "article_keras": article.software["keras"],
        "article_backend": article.software["backend"],
    }
    lines = []
    for item in STACK_FACTS[s["stack"]]["deviations"]:
        text, when = (item, {}) if isinstance(item, str) else (item["text"], item["when"])
        if all(s.get(key) == value for key, value in when.items()):
            lines.append(text.format_map(fields))
    return lines


SIZE_LABELS = {"train_samples": "training reviews", "test_samples": "test reviews", "epochs": "epochs",
               "batch_size": "batch size", "maxlen": "sequence length", "num_words": "vocabulary"}  # fmt: skip


def runs_text(done: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in done.items()) or "none"


def deviation_text(d: Deviation, stack: str, article: Article) -> str:
    """One line of the report's deviations: judge found it, this words it (foreign text escaped)."""
    if d.kind == found.SIZE:
        return f"{SIZE_LABELS[d.about]}: {d.here} (article: {d.article})."
    if d.kind == found.STEPS:
        return (
            f"{d.here} steps per epoch instead of all {d.article}: the rest of each epoch is predicted from the "
            "steady per-step time."
        )
    if d.kind == found.REPEATS:
        return (
            f"Runs done per model: {runs_text(d.here)}, of {d.facts['planned']} planned, interleaved "
            "(the article: one run each)." + stopping_text(d.facts, article)
        )
    if d.kind == found.CUT_SHORT:
        return f"The plan was cut short: the file holds {d.here} of its {d.article} planned runs."
    if d.kind == found.TF32:
        if d.here is None:
            return "TF32 not controlled (results from before the option): Ampere and newer GPUs used it by default."
        return f"TF32 allowed (`--tf32`): float32 matmuls and cuDNN may round to TF32; the {article.gpu} had none."
    if d.kind == found.PARAMETERS:
        return (
            f"{d.about} has {d.here:,} parameters here, {d.article:,} in Keras 2.0.9 "
            f"({STACK_FACTS[stack]['parameters_why'] or 'the layers as recorded'})."
        )
    if d.kind == found.MODELS:
        count = f"All {d.article}" if len(d.here) == d.article else f"Only {len(d.here)} of the article's {d.article}"
        order = f", interleaved in the order they ran: {', '.join(d.here)}" if len(d.here) > 1 else ""
        return (
            f"{count} models ran ({', '.join(d.here) or 'none'}){order} (the article ran the plain and cuDNN "
            "pairs in two notebook sessions)."
        )
    if d.kind == found.TEARDOWN:
        most = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in d.here.items())
        return (
            "Fit times compared leave out the teardown inside `fit()` after training ended (at most: "
            f"{most}): today's Keras destroys its tf.data iterator there, which waits for tf.data's autotune "
            "thread to wake (its sleep doubles from 10 ms to 60 s); Keras 2.0.9 fed numpy batches, without "
            "tf.data. Garbage from earlier fits is collected before each fit's clock starts."
        )
    if d.kind == found.DATA:
        return f"Data: {escape(d.here)}."
    return (
        f"Hardware: {escape(d.here) if d.here is not None else 'no GPU'}, {escape(d.facts['cpu'])} "
        f"(article: {article.hardware()})."
    )


def stopping_text(facts: dict, article: Article) -> str:
    """The stopping rule, its looks and why the run stopped, as the results file records them."""
    if not facts.get("most"):
        return ""
    short = {c.id: c.short for c in article.claims}
    text = (
        f" The stopping rule: up to {facts['most']} repeats while a claim this host can judge is undecided, "
        "each look's intervals wide enough that their 95 % coverage holds whichever look it stops at"
    )
    state = facts.get("stopping")
    if not state:
        return text + "; no look recorded (the plan was cut short)."
    looks = "; ".join(
        f"after {look['repeats']}, undecided: {', '.join(short.get(i, i) for i in look['undecided']) or 'none'}"
        for look in state["looks"]
    )
    return f"{text}: {escape(looks)}" + (f"; stopped: {escape(state['stopped'])}." if "stopped" in state else ".")


def first_layer(results: ResultsFile, *models: str) -> dict:
    """The recorded layer options of the first run of any of these models."""
    return next((r["layer"] for r in results["runs"] if r["model"] in models), {})


def tf32_text(results: ResultsFile) -> Markdown:
    tf32 = results["settings"]["tf32"]
    if tf32 is None:
        return Markdown("not controlled (backend default)")
    flags = results["environment"]["backend"].get("tf32_flags", {})
    shown = ", ".join(code(f"{k}={v}") for k, v in flags.items())
    return Markdown(("on" if tf32 else "off") + (f" ({shown})" if shown else ""))


def computed_section(results: ResultsFile, analysis: Analysis, article: Article) -> str:
    s, data = results["settings"], results["data"]
    layers = {}
    for r in results["runs"]:
        layers.setdefault(r["model"], r["layer"])
    options = {name: ", ".join(f"{k}={v}" for k, v in cfg.items() if k != "parameters") for name, cfg in layers.items()}
    layer_rows = [[name, text, analysis.models[name].parameters or "-"] for name, text in options.items()]
    origin = f"{code(data['path'])}, SHA-256 {code(data['sha256'])}" if data["sha256"] else f"seed {data.get('seed')}"
    lines = [
        "## What was computed",
        "",
        f"- Data: {bold(data['note'])} ({origin}); x_train {data['x_train_shape']}, x_test {data['x_test_shape']}.",
        f"- Profile `{s['profile']}`: {run_shape(s)}, {s['test_samples']} test reviews, "
        f"batch {s['batch_size']}, maxlen {s['maxlen']}, num_words {s['num_words']}, "
        f"{s['repeats']} run(s) per model planned, seed {s['seed']}.",
        f"- Backend {s['backend']}, XLA {'on' if s['jit_compile'] else 'off'}, math `{s['math']}`, "
        f"TF32 {tf32_text(results)}.",
        f"- Article-size times: {analysis.basis.how}.",
        "",
        table(layer_rows, ["Model", "Recurrent layer options", "Parameters"]),
        "",
        "## Deviations from the article",
        "",
        *[f"- {d}" for d in deviation_lines(results, analysis, article)],  # Markdown, foreign parts escaped
    ]
    return "\n".join(lines)


def ran_in(container: Container, short: bool = False) -> str:
    """Where the workload ran: this package's image (its id and base), a container this package
    did not start (its image unknown), or the host; never "container" where the image is unknown."""
    image_id = container["image_id"]
    if image_id is None and container["in_container"]:
        return "other container" if short else "a container this package did not start (image not recorded)"
    if image_id is None:
        return "host"
    base, pinned = container.get("image_base"), container.get("image_base_pinned")
    if base is None:
        kind = on = "base not recorded"
    elif pinned is None:  # the host had no Dockerfile to compare with (an installed package, an archive)
        kind, on = "base not compared", f"base {base}, not compared with the pinned one"
    elif pinned:
        kind, on = "pinned base", f"pinned base {base}"
    else:
        kind, on = "stand-in base", f"base {base}, a stand-in for the pinned one"
    if short:
        return f"this package's image {image_id.removeprefix('sha256:')[:12]} ({kind})"
    digest = f", {container['image_digest']}" if container["image_digest"] else ""
    return f"this package's image {image_id}{digest} ({on})"


def lock_text(env: Environment) -> str | Markdown:
    lock = env.get("lock")
    if lock is None:
        return "not checked (results file from before the check)"
    if not lock["differs"]:
        return f"every recorded package as pinned in {lock['file']}"
    return Markdown("**ad hoc environment**: " + join([f"{k} {v}" for k, v in sorted(lock["differs"].items())]))


def environment_section(results: ResultsFile) -> str:
    env = results["environment"]
    gpu = env["gpu"]
    rows = [
        ["Python", env["python"]],
        ["Platform", env["platform"]],
        ["Packages", ", ".join(f"{k} {v}" for k, v in env["packages"].items())],
        ["Lock", lock_text(env)],
        [
            "CPU",
            f"{env['cpu']['model']} ({env['cpu']['logical_cores']} logical cores, "
            f"{env['cpu'].get('usable_cores', '?')} usable; governor {env['cpu'].get('governor') or 'not exposed'}, "
            f"{env['cpu'].get('mhz') or '?'} MHz)",
        ],
        ["Load average (1, 5, 15 min) at start", ", ".join(map(str, env.get("load_average", []))) or "not recorded"],
        [
            "GPU",
            f"{gpu['name']} (of {gpu['count']}; chosen by CUDA_VISIBLE_DEVICES entry {gpu.get('selected', '0')}), "
            f"{gpu['memory_gib']} GiB, driver {gpu['driver']} (CUDA {gpu['driver_cuda']})"
            if gpu.get("present")
            else f"none ({gpu['reason']})",
        ],
        [
            "Variables",
            Markdown(", ".join(code(f"{k}={v}") for k, v in env["variables"].items()) or "none set")
            if "variables" in env
            else "not recorded",
        ],
        ["Backend build", ", ".join(f"{k} {v}" for k, v in env["backend"].items())],
        ["Git commit", f"{env['git']['commit']}{' (uncommitted changes)' if env['git']['dirty'] else ''}"],
        ["Ran in", ran_in(env["container"])],
        ["Started / updated", f"{results['created']} / {results.get('updated', '-')}"],
    ]
    invocations = results.get("invocations")
    if invocations:
        calls = table(
            [
                [i + 1, code(shlex.join(c["command"])), c["started"], c["ended"] or "-", c["runs_before"]]
                for i, c in enumerate(invocations)
            ],
            ["#", "Command", "Started", "Ended", "Runs before it"],
        )
        commands = f"Invocations that added runs to this file:\n\n{calls}"
    else:
        commands = (
            f"Command (the first invocation; this file predates the record of each one):\n\n"
            f"{code(shlex.join(env['argv']))}"
        )
    return f"## Environment\n\n{table(rows, ['', ''])}\n\n{commands}"


def run_shape(s: RunSettings) -> str:
    steps = f", {s['steps_per_epoch']} steps each" if s["steps_per_epoch"] else ""
    return f"{s['train_samples']} training reviews, {s['epochs']} epochs{steps}"


def validation_section(validation: Validation) -> str:
    """The quick profile's predictions against this article-size run's measurements."""
    rows = [
        [r.model, estimate_text(r.predicted), estimate_text(r.measured), f"{r.error:+.1%}"] for r in validation.rows
    ]
    headers = ["Model", "Quick: predicted fit (s, unwidened)", "Measured fit (s)", "Error"]
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
    results: ResultsFile,
    analysis: Analysis,
    article: Article,
    figure: str | None = FIGURE_NAME,
    validation: Validation | None = None,
) -> str:
    s = results["settings"]
    intro = (
        "# Reproduction report: cuDNN vs plain LSTM/GRU training time\n\n"
        f"Claims of *{article.source['article']}*, checked on {s['backend']} with the `{s['profile']}` profile. "
        f"Article metric: {article.source['metric']}. This run's article-size times are **{analysis.basis.how}**."
    )
    sections = [
        intro,
        "\n".join(headline.report_lines(analysis)),
        verdict_section(analysis, article),
        warnings_section(analysis, VERDICTS),
        times_section(results, analysis, article),
        warnings_section(analysis, TIMES),
        validation_section(validation) if validation else "",
        f"![Each claim against its accepted range]({figure})" if figure else "",
        computed_section(results, analysis, article),
        telemetry_section(analysis),
        environment_section(results),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def write_report(
    results: ResultsFile, analysis: Analysis, article: Article, out_dir: Path, validation: Validation | None = None
) -> Path:
    """REPORT.md, figure.png and verdicts.json in out_dir, from the run set's analysis; the report's path."""
    from .plot import plot_run_set

    out_dir.mkdir(parents=True, exist_ok=True)
    figure = plot_run_set(analysis, out_dir.resolve().name, out_dir / FIGURE_NAME)
    verdicts.write(analysis, article, out_dir)
    path = out_dir / REPORT_NAME
    write_atomically(path, report_text(results, analysis, article, figure.name if figure else None, validation))
    return path
