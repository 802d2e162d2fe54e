"""From a results file to per-model summaries, claim verdicts and warnings.

Reads nothing but the results dict; every statistic is derived from the raw times in it.
Verdicts fail closed: a missing, unrun or mislabelled model makes a claim "not verifiable".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from . import predict, stats
from .claims import Article, Claim

REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, NOT_VERIFIABLE = (
    "reproduced",
    "not reproduced",
    "inconclusive",
    "not verifiable",
)


@dataclass
class ModelSummary:
    name: str
    runs: list[dict]
    basis: list[float] = field(default_factory=list)  # article-size fit seconds, one per run
    unavailable: str | None = None  # why there is no time for this model

    @property
    def ok_runs(self) -> list[dict]:
        return [r for r in self.runs if r["status"] == "ok"]

    def values(self, key: str) -> list[float]:
        return [r[key] for r in self.ok_runs]

    def first_epochs(self) -> list[float]:
        return [r["epoch_seconds"][0] for r in self.ok_runs]

    def steady_epochs(self) -> list[float]:
        return [statistics.median(r["epoch_seconds"][1:]) for r in self.ok_runs if len(r["epoch_seconds"]) > 1]


@dataclass
class Verdict:
    claim: Claim
    verdict: str
    detail: str
    ratio: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass
class RunWarning:
    message: str
    hint: str


@dataclass
class Analysis:
    models: dict[str, ModelSummary]
    basis: str  # "measured", "predicted" or why neither
    verdicts: list[Verdict]
    warnings: list[RunWarning]


def summarise_models(results: dict, article: Article) -> tuple[dict[str, ModelSummary], str]:
    settings, size = results["settings"], article.size
    if predict.at_article_size(settings, size):
        basis = "measured"
    else:
        reason = predict.cannot_predict(settings, size)
        basis = f"none: {reason}" if reason else "predicted"
    models = {}
    for name in settings["models"]:
        summary = ModelSummary(name, [r for r in results["runs"] if r["model"] == name])
        invalid = [r for r in summary.runs if r["status"] != "ok"]
        if not summary.runs:
            summary.unavailable = "not run yet (interrupted run?)"
        elif invalid:
            summary.unavailable = f"{invalid[0]['status'].replace('_', ' ')}: {invalid[0]['reason']}"
        elif basis in ("measured", "predicted"):
            summary.basis = [predict.article_size_seconds(r, settings, size) for r in summary.runs]
        models[name] = summary
    return models, basis


def judge(claim: Claim, models: dict[str, ModelSummary], basis: str) -> Verdict:
    for name in (claim.numerator, claim.denominator):
        summary = models.get(name)
        if summary is None:
            return Verdict(claim, NOT_VERIFIABLE, f"{name} was not part of this run")
        if summary.unavailable:
            return Verdict(claim, NOT_VERIFIABLE, f"{name} {summary.unavailable}")
    if not basis.startswith(("measured", "predicted")):
        return Verdict(claim, NOT_VERIFIABLE, f"no article-size time: {basis.removeprefix('none: ')}")
    ratio, low, high = stats.ratio_interval(models[claim.numerator].basis, models[claim.denominator].basis)
    if low is None:
        verdict = REPRODUCED if claim.accepts(ratio) else NOT_REPRODUCED
        return Verdict(claim, verdict, f"{basis}, single run: no interval", ratio)
    if claim.accepts(low) and claim.accepts(high):
        verdict = REPRODUCED
    elif high < claim.low or (claim.high is not None and low > claim.high):
        verdict = NOT_REPRODUCED
    else:
        verdict = INCONCLUSIVE
    return Verdict(claim, verdict, f"{basis}, 95 % bootstrap interval", ratio, low, high)


def collect_warnings(results: dict, models: dict[str, ModelSummary], basis: str) -> list[RunWarning]:
    warnings = []
    if results["data"]["source"] == "synthetic":
        warnings.append(
            RunWarning(
                "The data is IMDB-shaped synthetic data: timings valid, accuracy not comparable.",
                "Put the real imdb.npz in the Keras cache or pass --imdb-path.",
            )
        )
    if basis == "predicted":
        warnings.append(
            RunWarning(
                "Verdicts use article-size times predicted from a short run, not measured.",
                "Run --profile paper for a measured verdict.",
            )
        )
    for summary in models.values():
        fits = summary.values("fit_seconds")
        if len(fits) > 1 and stats.relative_spread(fits) >= stats.NOISY_SPREAD:
            warnings.append(
                RunWarning(
                    f"{summary.name}: fit times spread {stats.relative_spread(fits):.0%} of their median; "
                    "the machine was noisy.",
                    "Close other work, fix the GPU clocks, or add --repeats.",
                )
            )
        throttled = {reason for r in summary.ok_runs for reason in r.get("telemetry", {}).get("throttle_reasons", [])}
        if throttled:
            warnings.append(
                RunWarning(
                    f"{summary.name}: the GPU throttled during the fit ({', '.join(sorted(throttled))}).",
                    "Its time is slower than the GPU's unthrottled speed; check cooling and power limits.",
                )
            )
    if results["settings"]["repeats"] < 2:
        warnings.append(RunWarning("Each model ran once: ratios have no interval.", "Add --repeats 3 or more."))
    return warnings


def analyse(results: dict, article: Article) -> Analysis:
    models, basis = summarise_models(results, article)
    verdicts = [judge(c, models, basis) for c in article.claims]
    return Analysis(models, basis, verdicts, collect_warnings(results, models, basis))
