"""From a results file to every figure the report shows: per-model times, ratios with
intervals, verdicts, stalls, warnings and the quick prediction's validation.

This module computes each number once; report, plot, verdicts.json and the summary
only format what it returns. It reads nothing but the results dict and the claims file.
Verdicts fail closed: a missing, unrun or mislabelled model makes a claim "not verifiable".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime

from ..results import Environment, ResultsFile, Run, RunSettings, compared_fit_seconds
from ..settings import PLAIN_KERNELS, SYNTHETIC_NOTE
from . import predict, stats
from .claims import Article, Claim, RatioClaim, TimeClaim
from .deviations import Deviation, deviations
from .places import Place, article_kind, place_of, size_share
from .stats import Estimate
from .stopping import level as rule_level

REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, NOT_VERIFIABLE, NOT_APPLICABLE = (
    "reproduced",
    "not reproduced",
    "inconclusive",
    "not verifiable",  # a model the claim needs did not run: it holds back `--check`'s 0
    "not applicable",  # a hardware-bound claim on other hardware: it does not
)
LARGER, SMALLER = "larger than claimed", "smaller than claimed"
TIE = "a tie (within {margin:.0%})"  # a direction claim's third firm answer: neither way
# An epoch whose start (Keras setting up its data iterator) takes this much longer than the
# run's quickest epoch start, and this share of an epoch: a stall, a named confound of fit times.
STALL_SECONDS = 1.0
STALL_SHARE = 0.05


@dataclass
class Stall:
    repeat: int
    epoch: int  # 1-based
    seconds: float  # beyond the run's usual epoch start


@dataclass
class ModelSummary:
    name: str
    runs: list[dict]
    unavailable: str | None = None  # why there is no time for this model
    article_size: dict[int, float] = field(default_factory=dict)  # repeat -> article-size fit seconds
    size_estimate: Estimate | None = None  # of the article-size fit, widened when predicted
    fit: Estimate | None = None  # of the measured fit at this run's size
    first_epoch: Estimate | None = None
    steady_epoch: Estimate | None = None
    steady_step: dict[int, float] = field(default_factory=dict)  # repeat -> median step, epochs 2+
    step_estimate: Estimate | None = None
    spread: float | None = None  # (max - min) / median of the measured fits
    stalls: list[Stall] = field(default_factory=list)
    accuracy_pct: float | None = None
    parameters: int | None = None
    throttle_reasons: list[str] = field(default_factory=list)

    @property
    def ok_runs(self) -> list[dict]:
        return [r for r in self.runs if r["status"] == "ok"]


@dataclass
class Verdict:
    claim: Claim
    verdict: str
    detail: str
    estimate: Estimate | None = None  # of the claim's value (a ratio, or seconds)
    step_ratio: Estimate | None = None  # the steady per-step ratio: the kernels alone
    direction: str | None = None  # LARGER or SMALLER when not reproduced: which way the claim missed
    confounds: list[str] = field(default_factory=list)  # what else could explain this value, main one first

    @property
    def firm(self) -> bool:
        """False when too few runs made the interval a mere range: the verdict is indicative."""
        return self.estimate is None or self.estimate.interval

    @property
    def decided(self) -> bool:
        """A firm answer: reproduced or not (a tie included), from an interval."""
        return self.firm and self.verdict in (REPRODUCED, NOT_REPRODUCED)

    @property
    def outcome(self) -> str:
        """The verdict with the way it missed: "not reproduced, larger than claimed" is not "smaller"."""
        return f"{self.verdict}, {self.direction}" if self.direction else self.verdict

    @property
    def label(self) -> str:
        if self.verdict in (REPRODUCED, NOT_REPRODUCED) and not self.firm:
            return f"indicative: {self.outcome}"
        return self.outcome


# What a warning qualifies: the verdicts (how firm they are) or the times (what they include).
VERDICTS, TIMES = "verdicts", "times"


@dataclass
class RunWarning:
    kind: str  # a short title shared by every warning of its kind, to group them across run sets
    message: str
    hint: str
    about: str  # VERDICTS or TIMES
    detail: str = ""  # the part that differs between run sets of the same kind, when one does


MEASURED, PREDICTED, UNAVAILABLE = "measured", "predicted", "none"


@dataclass(frozen=True)
class Basis:
    """Where a run set's article-size times come from: measured at the article's size, predicted
    from a shorter run (`method` says how), or unavailable (`method` says why)."""

    kind: str  # MEASURED, PREDICTED or UNAVAILABLE
    method: str

    @property
    def available(self) -> bool:
        return self.kind != UNAVAILABLE

    @property
    def word(self) -> str:
        """What a table's heading shows: measured, predicted or n/a."""
        return self.kind if self.available else "n/a"

    def __str__(self) -> str:
        """As verdicts.json, the headline and the summary record it: measured, predicted or none: <why>."""
        return self.kind if self.available else f"none: {self.method}"

    @property
    def how(self) -> str:
        """How the article-size times were obtained, in words; none: <why> when they were not."""
        return self.method if self.available else str(self)


def basis_of(settings: RunSettings, size: dict) -> Basis:
    if predict.at_article_size(settings, size):
        return Basis(MEASURED, predict.method(settings, size))
    reason = predict.cannot_predict(settings, size)
    return Basis(UNAVAILABLE, reason) if reason else Basis(PREDICTED, predict.method(settings, size))


@dataclass
class Analysis:
    models: dict[str, ModelSummary]
    basis: Basis
    verdicts: list[Verdict]
    warnings: list[RunWarning]
    run_seconds: float | None  # from the results file's creation to its last save
    place: Place
    level: float  # of its intervals: above 95 % under the stopping rule (judge/stopping.py)
    article_share: float  # how much of the article's training the runs did (1: all of it)
    superseded: list[str] = field(default_factory=list)  # why this run set's method is no longer current
    deviations: list[Deviation] = field(default_factory=list)  # where it departs from the article


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
        if basis.kind == PREDICTED:
            summary.size_estimate = summary.size_estimate.widen(1 + predict.validated_error())
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
    if basis.kind == PREDICTED:
        error = predict.validated_error()
        ratio = ratio.widen((1 + error) / (1 - error))
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


def collect_warnings(
    results: ResultsFile, models: dict[str, ModelSummary], basis: Basis, set_aside: list[str]
) -> list[RunWarning]:
    warnings = []
    if results["data"]["source"] == "synthetic":
        warnings.append(
            RunWarning(
                "Synthetic data",
                f"The data is {SYNTHETIC_NOTE}.",
                "Put the real imdb.npz in the Keras cache or pass --imdb-path.",
                TIMES,
            )
        )
    if basis.kind == PREDICTED:
        warnings.append(
            RunWarning(
                "Predicted times",
                "Verdicts use article-size times predicted from a short run, not measured.",
                "Run --profile paper for a measured verdict.",
                VERDICTS,
            )
        )
    for reason in set_aside:
        warnings.append(
            RunWarning(
                "Superseded method",
                f"Superseded method: {reason}; a summary lists this run set but does not count it.",
                "Rerun with the current package.",
                VERDICTS,
            )
        )
    if results["settings"]["tf32"] is None:
        warnings.append(
            RunWarning(
                "TF32 not controlled",
                "TF32 was not controlled (a results file from before the option): on Ampere and newer GPUs "
                "the backend's default applied.",
                "Rerun with the current package (TF32 off by default).",
                TIMES,
            )
        )
    warnings += lock_warnings(results["environment"])
    for m in models.values():
        warnings += model_warnings(m)
    done = min((len(m.ok_runs) for m in models.values() if m.ok_runs), default=0)
    if 0 < done < stats.MIN_RUNS:
        warnings.append(
            RunWarning(
                "Too few runs",
                f"{done} run(s) of some model: below {stats.MIN_RUNS}, ratios get a range, not an interval, "
                "and verdicts are only indicative.",
                f"Add --repeats {stats.MIN_RUNS} or more.",
                VERDICTS,
                f"{done} run(s)",
            )
        )
    return warnings


def lock_warnings(environment: Environment) -> list[RunWarning]:
    """Whether the packages that ran are the locked ones."""
    lock = environment.get("lock")
    if lock is None:
        return [
            RunWarning(
                "Packages not checked against the locks",
                "The packages were not checked against the lock files (a results file from before the check).",
                "The environment section lists the versions that ran.",
                TIMES,
            )
        ]
    if lock["differs"]:
        differs = ", ".join(f"{k} {v}" for k, v in sorted(lock["differs"].items()))
        return [
            RunWarning(
                "Ad hoc environment",
                f"Ad hoc environment: the packages differ from {lock['file']} ({differs}).",
                "Run in the pinned image (`make reproduce`) for a locked environment.",
                TIMES,
                differs,
            )
        ]
    return []


def model_warnings(m: ModelSummary) -> list[RunWarning]:
    """What qualifies one model's times: noise, stalls, a throttled GPU."""
    out = []
    if m.spread is not None and m.spread >= stats.NOISY_SPREAD:
        loads = [r["load_average"][0] for r in m.ok_runs if r.get("load_average")]
        seen = f" Load average (1 min) at each fit's end: {', '.join(f'{x:g}' for x in loads)}." if loads else ""
        out.append(
            RunWarning(
                "Noisy fits",
                f"{m.name}: fit times spread {m.spread:.0%} of their median; the machine was noisy.{seen}",
                "Close other work, fix the GPU clocks, or add --repeats.",
                TIMES,
                f"{m.name} {m.spread:.0%}",
            )
        )
    if m.stalls:
        total = stall_seconds(m)
        out.append(
            RunWarning(
                "Epoch-start stalls",
                f"{m.name}: {len(m.stalls)} epoch-start stall(s), {total:.1f} s in all "
                f"({min(s.seconds for s in m.stalls):.1f}-{max(s.seconds for s in m.stalls):.1f} s "
                "each), inside the fit times.",
                "The steady per-step ratio beside each verdict is free of them.",
                TIMES,
                f"{m.name} {len(m.stalls)}, {total:.1f} s",
            )
        )
    if m.throttle_reasons:
        out.append(
            RunWarning(
                "GPU throttled",
                f"{m.name}: the GPU throttled during the fit ({', '.join(m.throttle_reasons)}).",
                "Its time is slower than the GPU's unthrottled speed; check cooling and power limits.",
                TIMES,
                f"{m.name}: {', '.join(m.throttle_reasons)}",
            )
        )
    return out


def stall_seconds(m: ModelSummary) -> float:
    return sum(s.seconds for s in m.stalls)


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
            f"(the article: a {PLAIN_KERNELS[article.plain_kernel]['short']})"
        )
    out += set_aside
    for name in claim.models:
        m = models.get(name)
        if m and m.spread is not None and m.spread >= stats.NOISY_SPREAD:
            out.append(f"{name}'s fit times spread {m.spread:.0%}")
        if m and m.stalls:
            out.append(f"{name} had {len(m.stalls)} epoch-start stall(s), {stall_seconds(m):.1f} s")
    return out


def run_seconds(results: ResultsFile) -> float | None:
    """Wall time from the results file's creation to its last save."""
    if "updated" not in results:
        return None
    return (datetime.fromisoformat(results["updated"]) - datetime.fromisoformat(results["created"])).total_seconds()


def analyse(results: ResultsFile, article: Article) -> Analysis:
    models, basis = summarise_models(results, article)
    place = place_of(results)
    set_aside = superseded(results, basis)
    level = rule_level(results["settings"])
    verdicts = [judge(c, models, basis, results["environment"], article, level) for c in article.claims]
    for v in verdicts:
        if v.verdict not in (NOT_VERIFIABLE, NOT_APPLICABLE):
            v.confounds = confounds(v.claim, place, models, set_aside, article)
    warnings = collect_warnings(results, models, basis, set_aside)
    parameters = {name: m.parameters for name, m in models.items()}
    return Analysis(
        models, basis, verdicts, warnings, run_seconds(results), place, level, size_share(results, article), set_aside,
        deviations(results, parameters, runs_done(results), article),
    )  # fmt: skip


def runs_done(results: ResultsFile) -> dict[str, int]:
    """Finished runs per model, in the order the models first ran: what the file holds, not the plan."""
    done: dict[str, int] = {}
    for r in results["runs"]:
        if r["status"] == "ok":
            done[r["model"]] = done.get(r["model"], 0) + 1
    return done


@dataclass
class ValidationRow:
    model: str
    predicted: Estimate
    measured: Estimate
    error: float  # predicted / measured - 1, of the geometric means


@dataclass
class Validation:
    rows: list[ValidationRow]
    quick_seconds: float | None
    full_seconds: float | None

    @property
    def share(self) -> float | None:
        if self.quick_seconds is None or not self.full_seconds:
            return None
        return self.quick_seconds / self.full_seconds


def validate_prediction(full: ResultsFile, quick: ResultsFile, article: Article) -> Validation:
    """A quick run's predictions (unwidened) against an article-size run's measurements."""
    measured, predicted = summarise_models(full, article)[0], summarise_models(quick, article)[0]
    rows = []
    for name, m in measured.items():
        p = predicted.get(name)
        if m.article_size and p and p.article_size:
            guess, seen = estimate(list(p.article_size.values())), estimate(list(m.article_size.values()))
            rows.append(ValidationRow(name, guess, seen, guess.point / seen.point - 1))
    return Validation(rows, run_seconds(quick), run_seconds(full))
