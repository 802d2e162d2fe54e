"""The Markdown report, rendered from a results file alone (tabulate for every table)."""

from __future__ import annotations

import shlex
import statistics
from datetime import datetime
from pathlib import Path

from tabulate import tabulate

from .analysis import Analysis, ModelSummary, analyse
from .claims import Article
from .stats import median_interval, relative_spread

REPORT_NAME = "REPORT.md"
FIGURE_NAME = "figure.png"


def table(rows: list[list], headers: list[str]) -> str:
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def secs(x: float) -> str:
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def seconds(values: list[float]) -> str:
    if not values:
        return "-"
    point, low, high = median_interval(values)
    return secs(point) if low is None else f"{secs(point)} [{secs(low)}, {secs(high)}]"


def ratio_text(point: float | None, low: float | None, high: float | None) -> str:
    if point is None:
        return "-"
    return f"{point:.2f}x" if low is None else f"{point:.2f}x [{low:.2f}, {high:.2f}]"


def spread_text(values: list[float]) -> str:
    """(max - min) / median of the measured fit times; pyperf warns from 10 %."""
    return f"{relative_spread(values):.0%}" if len(values) > 1 else "-"


def kernel_text(summary: ModelSummary) -> str:
    evidence = [r["provenance"] for r in summary.ok_runs if "provenance" in r]
    if not evidence:
        return summary.unavailable or "-"
    e = evidence[0]
    ops = e["cudnn_ops"] if e["ran_cudnn"] else e["loop_ops"]
    shown = ", ".join(f"`{op}` x{n}" for op, n in list(ops.items())[:3]) or "no recurrent op recorded"
    return f"{'cuDNN' if e['ran_cudnn'] else 'plain loop'}: {shown}"


def verdict_section(analysis: Analysis) -> str:
    rows = [
        [
            v.claim.text,
            f"{v.claim.article_ratio:.2f}x",
            ratio_text(v.ratio, v.low, v.high),
            v.claim.band(),
            f"**{v.verdict}**",
            v.detail,
        ]
        for v in analysis.verdicts
    ]
    headers = ["Claim", "Article", "Measured", "Accepted range", "Verdict", "Basis"]
    return "## Verdicts\n\n" + table(rows, headers)


def times_section(results: dict, analysis: Analysis, article: Article) -> str:
    rows = []
    for name, m in analysis.models.items():
        accuracy = m.values("test_accuracy")
        rows.append(
            [
                name,
                f"{article.fit_seconds[name]:g}",
                seconds(m.values("fit_seconds")) if not m.unavailable else m.unavailable,
                seconds(m.first_epochs()),
                seconds(m.steady_epochs()),
                seconds(m.basis),
                spread_text(m.values("fit_seconds")),
                str(len(m.ok_runs)),
                f"{100 * statistics.median(accuracy):.2f}" if accuracy else "-",
                f"{article.test_accuracy_pct[name]:.2f}",
            ]
        )
    size_label = {"measured": "measured", "predicted": "predicted"}.get(analysis.basis, "n/a")
    headers = [
        "Model",
        "Article fit (s)",
        "Measured fit (s)",
        "First epoch (s)",
        "Steady epoch (s)",
        f"Article-size fit (s, {size_label})",
        "Spread",
        "Runs",
        "Test acc. %",
        "Notebook acc. %",
    ]
    note = (
        "Times are medians over runs with a 95 % bootstrap interval in brackets when there are "
        "several runs; the spread is (max - min) / median of the measured fits. "
        '"Measured fit" is the wall time of the whole `fit` at this run\'s size '
        "(the article's metric); the steady epoch is the median of epochs 2 onwards."
    )
    kernels = table(
        [[name, kernel_text(m)] for name, m in analysis.models.items()], ["Model", "Kernel that ran (evidence)"]
    )
    method = next((r["provenance"]["method"] for r in results["runs"] if "provenance" in r), None)
    evidence = f"\n\nKernel provenance, from {method}:\n\n{kernels}" if method else ""
    return f"## Training time\n\n{table(rows, headers)}\n\n{note}{evidence}"


def warnings_section(analysis: Analysis) -> str:
    if not analysis.warnings:
        return ""
    return "## Warnings\n\n" + "\n".join(f"- {w.message} {w.hint}" for w in analysis.warnings)


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


def deviations(results: dict, article: Article) -> list[str]:
    s, env = results["settings"], results["environment"]
    out = [
        f"Keras {env['packages'].get('keras', '?')} (Keras 3) on the {s['backend']} backend, not standalone "
        "Keras 2.0.9 on TensorFlow 1.4; `CuDNNLSTM`/`CuDNNGRU` are `LSTM`/`GRU(use_cudnn=True)`, "
        "the plain layers `use_cudnn=False`.",
        f"XLA {'on' if s['jit_compile'] else 'off'} (`jit_compile={s['jit_compile']}`)"
        + ("; JAX always compiles its training step." if s["jit_compile"] else "; as in 2017."),
    ]
    if s["math"] == "article":
        out.append(
            "Plain pair computes the 2017 math: Keras 2's `hard_sigmoid` (clip(0.2x+0.5, 0, 1)) gates, "
            "GRU reset-before with one bias; the cuDNN pair computes sigmoid gates and GRU reset-after, as cuDNN must."
        )
    else:
        out.append(
            "`--math matched`: the plain pair computes exactly the cuDNN math (sigmoid, GRU reset-after); "
            "only the kernel differs."
        )
    out.append(
        "Adam epsilon set to Keras 2.0.9's 1e-8; test accuracy evaluated with batch size "
        f"{s['batch_size']} (the notebook used 32; the result does not depend on it)."
    )
    for key, label in (
        ("train_samples", "training reviews"),
        ("test_samples", "test reviews"),
        ("epochs", "epochs"),
        ("batch_size", "batch size"),
        ("maxlen", "sequence length"),
        ("num_words", "vocabulary"),
    ):
        wanted = article.size[key]
        if s[key] != wanted:
            out.append(f"{label}: {s[key]} (article: {wanted}).")
    if s.get("steps_per_epoch"):
        out.append(f"{s['steps_per_epoch']} steps per epoch instead of all {article.size['train_samples'] // 100}: "
                   "the rest of each epoch is predicted from the steady per-step time.")  # fmt: skip
    if s["repeats"] > 1:
        out.append(f"{s['repeats']} interleaved runs per model (the article: one run each).")
    tf32 = s.get("tf32")
    if tf32 is None:
        out.append("TF32 not controlled (results from before the option): Ampere and newer GPUs used it by default.")
    elif tf32:
        out.append("TF32 allowed (`--tf32`): float32 matmuls and cuDNN may round to TF32; the GTX 1060 had none.")
    for name, count in parameter_counts(results).items():
        if count != article.keras2_parameters[name]:
            out.append(
                f"{name} has {count:,} parameters here, {article.keras2_parameters[name]:,} in Keras 2.0.9 "
                "(cuDNN keeps two biases per gate, which Keras 2.0.9's CuDNN classes trained; Keras 3 trains one)."
            )
    ran = [name for name in s["models"] if any(r["model"] == name and r["status"] == "ok" for r in results["runs"])]
    out.append(
        f"{'All ' + str(len(ran)) if len(ran) == len(s['models']) else 'Only ' + str(len(ran))} of the models ran "
        f"({', '.join(ran) or 'none'}), in one process, interleaved in the order {', '.join(s['models'])} "
        "(the article ran the plain and cuDNN pairs in two notebook sessions)."
    )
    if results["data"]["source"] == "synthetic":
        out.append(f"Data: {results['data']['note']}.")
    gpu = env["gpu"]
    out.append(
        f"Hardware: {gpu['name'] if gpu.get('present') else 'no GPU'}, {env['cpu']['model']} "
        "(article: GeForce GTX 1060 6GB, i5-7500)."
    )
    return out


def tf32_text(results: dict) -> str:
    tf32 = results["settings"].get("tf32")
    if tf32 is None:
        return "not controlled (backend default)"
    flags = results["environment"]["backend"].get("tf32_flags", {})
    shown = ", ".join(f"`{k}={v}`" for k, v in flags.items())
    return ("on" if tf32 else "off") + (f" ({shown})" if shown else "")


def parameter_counts(results: dict) -> dict[str, int]:
    """Each model's parameter count, from the first run that recorded one."""
    counts: dict[str, int] = {}
    for r in results["runs"]:
        if "parameters" in r:
            counts.setdefault(r["model"], r["parameters"])
    return counts


def computed_section(results: dict, article: Article) -> str:
    s, data = results["settings"], results["data"]
    layers = {}
    for r in results["runs"]:
        layers.setdefault(r["model"], r["layer"])
    layer_rows = [[name, ", ".join(f"{k}={v}" for k, v in cfg.items())] for name, cfg in layers.items()]
    origin = f"`{data['path']}`, SHA-256 `{data['sha256']}`" if data["sha256"] else f"seed {data.get('seed')}"
    lines = [
        "## What was computed",
        "",
        f"- Data: **{data['note']}** ({origin}); x_train {data['x_train_shape']}, x_test {data['x_test_shape']}.",
        f"- Profile `{s['profile']}`: {run_shape(s)}, {s['test_samples']} test reviews, "
        f"batch {s['batch_size']}, maxlen {s['maxlen']}, num_words {s['num_words']}, "
        f"{s['repeats']} run(s) per model, seed {s['seed']}.",
        f"- Backend {s['backend']}, XLA {'on' if s['jit_compile'] else 'off'}, math `{s['math']}`, "
        f"TF32 {tf32_text(results)}.",
        "",
        table(layer_rows, ["Model", "Recurrent layer options"]),
        "",
        "## Deviations from the article",
        "",
        *[f"- {d}" for d in deviations(results, article)],
    ]
    return "\n".join(lines)


def container_text(container: dict) -> str:
    if not container["in_container"]:
        return "no"
    image = container["image_id"] or "not recorded (not started by this package's orchestration)"
    return f"yes, image {image}" + (f" ({container['image_digest']})" if container["image_digest"] else "")


def environment_section(results: dict) -> str:
    env = results["environment"]
    gpu = env["gpu"]
    rows = [
        ["Python", env["python"]],
        ["Platform", env["platform"]],
        ["Packages", ", ".join(f"{k} {v}" for k, v in env["packages"].items())],
        [
            "CPU",
            f"{env['cpu']['model']} ({env['cpu']['logical_cores']} logical cores, "
            f"{env['cpu'].get('usable_cores', '?')} usable)",
        ],
        [
            "GPU",
            f"{gpu['name']} x{gpu['count']}, {gpu['memory_gib']} GiB, "
            f"driver {gpu['driver']} (CUDA {gpu['driver_cuda']})"
            if gpu.get("present")
            else f"none ({gpu['reason']})",
        ],
        ["Backend build", ", ".join(f"{k} {v}" for k, v in env["backend"].items())],
        ["Git commit", f"{env['git']['commit']}{' (uncommitted changes)' if env['git']['dirty'] else ''}"],
        ["Container", container_text(env["container"])],
        ["Started / updated", f"{results['created']} / {results.get('updated', '-')}"],
    ]
    command = shlex.join(env["argv"])
    return f"## Environment\n\n{table(rows, ['', ''])}\n\nCommand:\n\n```\n{command}\n```"


def run_seconds(results: dict) -> float:
    """Wall time from the results file's creation to its last save."""
    return (datetime.fromisoformat(results["updated"]) - datetime.fromisoformat(results["created"])).total_seconds()


def run_shape(s: dict) -> str:
    steps = f", {s['steps_per_epoch']} steps each" if s.get("steps_per_epoch") else ""
    return f"{s['train_samples']} training reviews, {s['epochs']} epochs{steps}"


def validation_section(results: dict, quick: dict, article: Article) -> str:
    """The quick profile's predictions against this article-size run's measurements."""
    measured, predicted = analyse(results, article).models, analyse(quick, article).models
    rows = []
    for name, m in measured.items():
        p = predicted.get(name)
        if not (m.basis and p and p.basis):
            continue
        ratio = statistics.median(p.basis) / statistics.median(m.basis)
        rows.append([name, seconds(p.basis), seconds(m.basis), f"{ratio:.3f}", f"{abs(ratio - 1):.1%}"])
    share = run_seconds(quick) / run_seconds(results)
    headers = ["Model", "Quick: predicted fit (s)", "Measured fit (s)", "Predicted / measured", "Error"]
    return (
        "## Quick verdict validation\n\n"
        f"The quick profile ({run_shape(quick['settings'])}, "
        f"{quick['settings']['repeats']} run(s) per model, same machine) against this run. Target: within 10 %.\n\n"
        f"{table(rows, headers)}\n\n"
        f"Run time: quick {run_seconds(quick):.0f} s, this run {run_seconds(results):.0f} s: "
        f"the quick verdict took {share:.1%} of the time (target: under 10 %)."
    )


def render(results: dict, article: Article, figure: str | None = FIGURE_NAME, quick: dict | None = None) -> str:
    analysis = analyse(results, article)
    s = results["settings"]
    intro = (
        "# Reproduction report: cuDNN vs plain LSTM/GRU training time\n\n"
        f"Claims of *{article.source['article']}*, checked on {s['backend']} with the `{s['profile']}` profile. "
        f"Article metric: {article.source['metric']}."
    )
    sections = [
        intro,
        verdict_section(analysis),
        warnings_section(analysis),
        times_section(results, analysis, article),
        validation_section(results, quick, article) if quick else "",
        f"![Article vs measured fit times]({figure})" if figure else "",
        computed_section(results, article),
        telemetry_section(analysis),
        environment_section(results),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def write_report(results: dict, article: Article, out_dir: Path, quick: dict | None = None) -> Path:
    from .plot import plot_times

    out_dir.mkdir(parents=True, exist_ok=True)
    figure = plot_times(analyse(results, article), article, out_dir / FIGURE_NAME)
    path = out_dir / REPORT_NAME
    path.write_text(render(results, article, figure.name if figure else None, quick))
    return path
