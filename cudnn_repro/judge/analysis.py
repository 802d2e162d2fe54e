"""From a results file to every figure the report shows: per-model times, ratios with
intervals, verdicts, stalls, warnings and the quick prediction's validation.

This module computes each number once; report, plot, verdicts.json and the summary
only format what it returns. It reads nothing but the results dict and the claims file.
Verdicts fail closed: a missing, unrun or mislabelled model makes a claim "not verifiable".
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import cast

from ..registry import PLAIN_KERNELS
from ..results import Environment, ResultsFile, Run, RunSettings, compared_fit_seconds
from . import predict, record, stats
from .claims import Article, Claim, RatioClaim, TimeClaim
from .deviations import deviations
from .findings import (
    MEASURED,
    PREDICTED,
    STALL_SECONDS,
    STALL_SHARE,
    TEARDOWN_SECONDS,
    UNAVAILABLE,
    AfterTraining,
    Analysis,
    Basis,
    ModelSummary,
    PeakMemory,
    Stall,
    Validation,
    ValidationRow,
    Verdict,
)
from .outcomes import INCONCLUSIVE, LARGER, NOT_APPLICABLE, NOT_REPRODUCED, NOT_VERIFIABLE, REPRODUCED, SMALLER, TIE
from .places import Place, article_kind, place_of, size_share
from .qualifiers import collect_warnings
from .stats import Estimate
from .stopping import level as rule_level


def basis_of(settings: RunSettings, size: dict) -> Basis:
    if predict.at_article_size(settings, size):
        return Basis(MEASURED, predict.method(settings, size))
    reason = predict.cannot_predict(settings, size)
    if reason:
        return Basis(UNAVAILABLE, reason)
    return Basis(PREDICTED, predict.method(settings, size), *predict.widening(settings))


def steady_step(run: Run) -> float | None:
    steps = [s for s in run.get("step_seconds", [])[1:] if s is not None]
    return statistics.median(steps) if steps else None


def find_stalls(run: Run) -> list[Stall]:
    setup, epochs = run.get("epoch_setup_seconds") or [], run["epoch_seconds"]
    if len(setup) < 2:
        return []
    usual = min(setup)  # a stall is rare and large; several can make up half of the epochs
    threshold = max(STALL_SECONDS, STALL_SHARE * statistics.median(epochs))
    return [Stall(run["repeat"], i + 1, s - usual) for i, s in enumerate(setup) if s - usual > threshold]


def parameters(runs: list[Run]) -> int | None:
    """The model's parameter count: from a fitted run, or the keras2 stack's built layer record."""
    counts = [r.get("parameters") or r.get("layer", {}).get("parameters") for r in runs]
    return next((c for c in counts if c), None)


def estimate(values: list[float], level: float = stats.LEVEL) -> Estimate | None:
    return stats.log_estimate(values, level) if values else None


def summarise_model(name: str, runs: list[Run], settings: RunSettings, size: dict, basis: Basis) -> ModelSummary:
    summary = ModelSummary(name, runs)
    level = rule_level(settings)
    invalid = [r for r in runs if r["status"] != "ok"]
    if not runs:
        summary.unavailable = "not run yet (interrupted run?)"
    elif invalid:
        summary.unavailable = f"{invalid[0]['status'].replace('_', ' ')}: {invalid[0]['reason']}"
    summary.parameters = parameters(runs)
    ok = summary.ok_runs
    if not ok:
        return summary
    fits = [compared_fit_seconds(r) for r in ok]
    summary.fit = estimate(fits, level)
    summary.spread = stats.relative_spread(fits) if len(fits) > 1 else None
    summary.first_epoch = estimate([r["epoch_seconds"][0] for r in ok], level)
    summary.steady_epoch = estimate(
        [statistics.median(r["epoch_seconds"][1:]) for r in ok if len(r["epoch_seconds"]) > 1], level
    )
    summary.steady_step = {r["repeat"]: s for r in ok if (s := steady_step(r)) is not None}
    summary.step_estimate = estimate(list(summary.steady_step.values()), level)
    summary.stalls = [s for r in ok for s in find_stalls(r)]
    summary.accuracy_pct = 100 * statistics.median(r["test_accuracy"] for r in ok)
    summary.throttle_reasons = sorted({t for r in ok for t in r.get("telemetry", {}).get("throttle_reasons", [])})
    if basis.available and not summary.unavailable:
        summary.article_size = {r["repeat"]: predict.article_size_seconds(r, settings, size) for r in ok}
        summary.size_estimate = estimate(list(summary.article_size.values()), level)
        summary.size_estimate = summary.size_estimate.widen(basis.fit_widening)
    return summary


def summarise_models(results: ResultsFile, article: Article) -> tuple[dict[str, ModelSummary], Basis]:
    settings, size = results["settings"], article.size
    basis = basis_of(settings, size)
    models = {
        name: summarise_model(name, [r for r in results["runs"] if r["model"] == name], settings, size, basis)
        for name in settings["models"]
    }
    return models, basis


def paired(a: dict[int, float], b: dict[int, float]) -> tuple[list[float], list[float]]:
    """Values of the repeats both models completed, in repeat order."""
    both = sorted(a.keys() & b.keys())
    return [a[r] for r in both], [b[r] for r in both]


def unavailable(claim: Claim, models: dict[str, ModelSummary], basis: Basis) -> str | None:
    """Why the claim cannot be judged from this run, or None."""
    for name in claim.models:
        summary = models.get(name)
        if summary is None:
            return f"{name} was not part of this run"
        if summary.unavailable:
            return f"{name} {summary.unavailable}"
    if not basis.available:
        return f"no article-size time: {basis.method}"
    return None


def judge_ratio(
    claim: RatioClaim, models: dict[str, ModelSummary], basis: Basis, level: float = stats.LEVEL
) -> Verdict:
    """Judged on the article's metric (whole-fit times); but a firm verdict that the kernels'
    own ratio (steady per-step times) contradicts hinges on set-up and stalls: inconclusive."""
    top, bottom = models[claim.numerator], models[claim.denominator]
    ratio = stats.paired_ratio(*paired(top.article_size, bottom.article_size), level)
    ratio = ratio.widen(basis.ratio_widening)
    steps = paired(top.steady_step, bottom.steady_step)
    step_ratio = stats.paired_ratio(*steps, level) if steps[0] else None
    verdict, direction = side(claim, ratio)
    detail = ratio.method
    if (
        step_ratio
        and verdict != INCONCLUSIVE
        and side(claim, Estimate(step_ratio.point, None, None, 1)) != (verdict, direction)
    ):
        stalls = len(top.stalls) + len(bottom.stalls)
        verdict = INCONCLUSIVE
        detail += (
            f"; the steady per-step ratio {step_ratio.point:.2f}x does not agree, so set-up time or "
            f"stalls ({stalls} here) decide the whole-fit ratio"
        )
        direction = None
    return Verdict(claim, verdict, detail, ratio, step_ratio, direction)


def miss(verdict: str, value: float, claimed: float) -> str | None:
    """Which way a claim that was not reproduced missed (the point against the article's value)."""
    if verdict != NOT_REPRODUCED:
        return None
    return LARGER if value > claimed else SMALLER


def side(claim: RatioClaim, ratio: Estimate) -> tuple[str, str | None]:
    """The verdict of an interval against the claim's bands, and which way a refuted claim missed."""
    low, high = ratio.bounds
    tie = claim.tie()
    if claim.inside(low, high):
        return REPRODUCED, None
    if claim.outside(low, high):
        return NOT_REPRODUCED, miss(NOT_REPRODUCED, ratio.point, claim.article_value)
    if tie and tie[0] <= low and high <= tie[1]:
        return NOT_REPRODUCED, TIE.format(margin=claim.margin)
    return INCONCLUSIVE, None


def judge_time(claim: TimeClaim, time: Estimate) -> Verdict:
    low, high = time.bounds
    verdict = (
        REPRODUCED if high < claim.below_seconds else NOT_REPRODUCED if low >= claim.below_seconds else INCONCLUSIVE
    )
    return Verdict(claim, verdict, time.method, time, direction=miss(verdict, time.point, claim.below_seconds))


def hardware_bound(claim: TimeClaim, models: dict[str, ModelSummary], gpu: str | None, article: Article) -> Verdict:
    """An absolute time off the article's GPU class: not applicable, with the time where it was measured."""
    summary = models.get(claim.model)
    time = summary.size_estimate if summary else None
    return Verdict(
        claim,
        NOT_APPLICABLE,
        f"an absolute time is hardware-bound: this run used {gpu or 'no GPU'}, the article a {article.gpu}",
        time,
    )


def judge(
    claim: Claim,
    models: dict[str, ModelSummary],
    basis: Basis,
    environment: Environment,
    article: Article,
    level: float = stats.LEVEL,
) -> Verdict:
    gpu = environment["gpu"].get("name") if environment["gpu"].get("present") else None
    if isinstance(claim, TimeClaim) and not article.on_its_gpu_class(gpu):
        return hardware_bound(claim, models, gpu, article)
    reason = unavailable(claim, models, basis)
    if reason:
        return Verdict(claim, NOT_VERIFIABLE, reason)
    if isinstance(claim, TimeClaim):
        return judge_time(claim, models[claim.model].size_estimate)
    return judge_ratio(claim, models, basis, level)


def superseded(results: ResultsFile, basis: Basis) -> list[str]:
    """Why this run set's method is no longer the package's: a summary lists it but does not count it."""
    s, gpu = results["settings"], results["environment"]["gpu"].get("present")
    reasons = []
    if basis.kind == PREDICTED and not s["steps_per_epoch"]:
        reasons.append(
            f"times predicted by scaling whole epochs of a {s['train_samples']:,}-review run, the unvalidated "
            "method the quick profile's per-step prediction replaced"
        )
    if gpu and s["tf32"] is None:
        reasons.append("TF32 not controlled on a GPU that has it (the backend's default applied)")
    return reasons


def confounds(
    claim: Claim, place: Place, models: dict[str, ModelSummary], set_aside: list[str], article: Article
) -> list[str]:
    """What besides the kernels could explain a claim's value on this run set, main one first."""
    out = []
    if not article_kind(place, claim, article):
        out.append(
            f"{place.stack} runs the plain {' and '.join(claim.plain_models)} as {place.kernel_name} "
            f"(the article: a {PLAIN_KERNELS[article.plain_kernel].short})"
        )
    out += set_aside
    for name in claim.models:
        m = models.get(name)
        if m and m.spread is not None and m.spread >= stats.NOISY_SPREAD:
            out.append(f"{name}'s fit times spread {m.spread:.0%}")
        if m and m.stalls:
            out.append(f"{name} had {len(m.stalls)} epoch-start stall(s), {m.stall_seconds:.1f} s")
    return out


def run_seconds(results: ResultsFile) -> float | None:
    """Wall time from the results file's creation to its last save."""
    if "updated" not in results:
        return None
    return (datetime.fromisoformat(results["updated"]) - datetime.fromisoformat(results["created"])).total_seconds()


def judge_all(results: ResultsFile, article: Article) -> tuple[dict[str, ModelSummary], Basis, list[Verdict]]:
    models, basis = summarise_models(results, article)
    level = rule_level(results["settings"])
    return models, basis, [judge(c, models, basis, results["environment"], article, level) for c in article.claims]


def without_teardown(results: ResultsFile, article: Article) -> list[Verdict]:
    """The verdicts had each fit's teardown after training been left out of its time: where a fit() call
    holds one of TEARDOWN_SECONDS or more (tf.data's wait, which Keras 2.0.9 did not have), a stated
    deviation whose effect on each verdict the report shows; none elsewhere."""
    if not any(r.get("teardown_seconds", 0.0) >= TEARDOWN_SECONDS for r in results["runs"]):
        return []
    runs = [
        r | {"fit_seconds": r["fit_seconds"] - r.get("teardown_seconds", 0.0), "teardown_seconds": 0.0}
        if r["status"] == "ok"
        else r
        for r in results["runs"]
    ]
    return judge_all(cast(ResultsFile, results | {"runs": runs}), article)[2]


def after_training(results: ResultsFile) -> AfterTraining:
    ok = [r for r in results["runs"] if r["status"] == "ok"]
    teardown = [r["teardown_seconds"] for r in ok if "teardown_seconds" in r]
    released = [r["released_seconds"] for r in ok if "released_seconds" in r]
    return AfterTraining(max(teardown, default=None), max(released, default=None))


def peak_memory(results: ResultsFile) -> PeakMemory:
    ok = [r for r in results["runs"] if r["status"] == "ok"]
    host = [r["peak_rss_bytes"] for r in ok if "peak_rss_bytes" in r]
    gpu = [r["telemetry"]["memory_used_bytes"]["max"] for r in ok if "memory_used_bytes" in r.get("telemetry", {})]
    return PeakMemory(max(host, default=None), max(gpu, default=None))


def analyse(results: ResultsFile, article: Article) -> Analysis:
    models, basis, verdicts = judge_all(results, article)
    place = place_of(results)
    set_aside = superseded(results, basis)
    for v in verdicts:
        if v.verdict not in (NOT_VERIFIABLE, NOT_APPLICABLE):
            v.confounds = confounds(v.claim, place, models, set_aside, article)
    warnings = collect_warnings(results, models, basis, set_aside)
    parameters = {name: m.parameters for name, m in models.items()}
    done = runs_done(results)
    return Analysis(
        models, basis, verdicts, warnings, run_seconds(results), place, rule_level(results["settings"]),
        size_share(results, article), set_aside, deviations(results, parameters, done, article), done,
        peak_memory(results), after_training(results), without_teardown(results, article), record.read(results),
    )  # fmt: skip


def runs_done(results: ResultsFile) -> dict[str, int]:
    """Finished runs per model, in the order the models first ran: what the file holds, not the plan."""
    done: dict[str, int] = {}
    for r in results["runs"]:
        if r["status"] == "ok":
            done[r["model"]] = done.get(r["model"], 0) + 1
    return done


def validate_prediction(full: predict.Side, quick: predict.Side, article: Article) -> Validation:
    """A quick run's predictions (unwidened) against an article-size run's measurements; each side one
    results file or an interleaved pair's invocations (predict.joined)."""
    full_runs, quick_runs = predict.joined(full), predict.joined(quick)
    measured, predicted = summarise_models(full_runs, article)[0], summarise_models(quick_runs, article)[0]
    # Each side at its own rule's level, as its own report and the summary's tables bracket it.
    levels = rule_level(quick_runs["settings"]), rule_level(full_runs["settings"])
    rows = []
    for name, m in measured.items():
        p = predicted.get(name)
        if m.article_size and p and p.article_size:
            values = list(p.article_size.values()), list(m.article_size.values())
            rows.append(validation_row(name, values, levels))
    ratios: dict[str, ValidationRow] = {}
    for claim in (c for c in article.claims if isinstance(c, RatioClaim)):
        name = f"{claim.numerator}/{claim.denominator}"
        sides = [[models.get(m) for m in claim.models] for models in (predicted, measured)]
        if name not in ratios and all(m and m.article_size for side in sides for m in side):
            guess, seen = (repeat_ratios(*side) for side in sides)
            ratios[name] = validation_row(name, (guess, seen), levels)
    target_error, target_share = predict.targets()
    return Validation(
        rows,
        list(ratios.values()),
        side_seconds(quick),
        side_seconds(full),
        record.setup_of(quick_runs["settings"]),
        runs_done(quick_runs),
        target_error,
        target_share,
    )


def repeat_ratios(top: ModelSummary, bottom: ModelSummary) -> list[float]:
    """The per-repeat ratios of two models' article-size times, paired by repeat."""
    return [a / b for a, b in zip(*paired(top.article_size, bottom.article_size), strict=True)]


def validation_row(name: str, values: tuple[list[float], list[float]], levels: tuple[float, float]) -> ValidationRow:
    """A predicted quantity (a model's fit time, or a ratio of two from runs paired by repeat) against the
    measured one: the geometric means' error, and the measured runs' own noise."""
    guess, seen = (estimate(v, level) for v, level in zip(values, levels, strict=True))
    return ValidationRow(name, guess, seen, guess.point / seen.point - 1, stats.log_standard_error(values[1]))


def side_seconds(side: predict.Side) -> float | None:
    """A side's wall time: its invocations' together."""
    times = [run_seconds(part) for part in side]
    return None if None in times else sum(t for t in times if t is not None)
