"""The quick verdict: article-size fit times predicted from a short run.

A fit is its setup outside the epochs, a first epoch that also builds and warms up,
and steady epochs. Each epoch is a fixed part (Keras sets up its data iterator) and its
steps. The quick profile runs the article's data through the same input pipeline for a
few steps per epoch; the prediction adds the article's remaining batches at the steady
per-step time, read between batch starts (epochs 2 onwards).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from itertools import pairwise
from pathlib import Path

from ..results import ResultsFile, Run, RunSettings, compared_fit_seconds
from ..scaling import scaled_fit_seconds
from ..settings import PROFILES, batches_per_epoch
from .findings import TEARDOWN_SECONDS

# What must equal the article for a scaled prediction to mean anything.
SHAPE_KEYS = ("batch_size", "maxlen", "num_words")
# A quick run made this soon after its reference ends, in its image, follows it directly (the main pair).
QUICK_AFTER_SECONDS = 600
# The predictor's error as validated against article-size runs (bench/quick_vs_full.py);
# tests/judge/test_validation.py recomputes it from the committed runs.
VALIDATION_FILE = Path(__file__).with_name("prediction_error.json")


@cache
def validation_record() -> dict:
    return json.loads(VALIDATION_FILE.read_text())


def validated_error() -> float:
    """The largest error charged to a predicted fit time in the committed validations."""
    return validation_record()["validated_error"]


def validated_ratio_error() -> float:
    """The largest error charged to a predicted ratio of two models' fit times (the quantity a ratio claim
    judges) in the same validations. It is its own figure, not derived from validated_error: both models
    are predicted in one run by one method, so their errors share the machine's speed and cancel in part."""
    return validation_record()["validated_ratio_error"]


def targets() -> tuple[float, float]:
    """The quick profile's aims: (the error of a predicted fit time, its share of the full run's time)."""
    record = validation_record()
    return record["target_error"], record["target_share"]


def validations() -> list[dict]:
    """The (quick, paper) pairs of committed results files the error is measured on, where they compare
    like with like (unlike() says why not). Each side is a list of results files: one file, or the
    invocations of an interleaved pair, one repeat each (bench/quick_vs_full.py --interleave)."""
    return validation_record()["validations"]


Side = Sequence[ResultsFile]  # one side of a pair: one results file, or the invocations of an interleaved pair


def joined(side: Side) -> ResultsFile:
    """A side's fits as the repeats of one file, in the order its invocations ran (unlike() checks that they
    share their settings but the count)."""
    runs, offset = [], 0
    for part in side:
        runs += [run | {"repeat": offset + run["repeat"]} for run in part["runs"]]
        offset += part["settings"]["repeats"]
    first = side[0]
    return first | {"settings": first["settings"] | {"repeats": offset}, "runs": runs}


def unlike(reference: Side, quick: Side, size: dict) -> str | None:
    """Why a (reference, quick) pair does not compare like with like, or None. The reference must run
    whole epochs of the article's 250 batches at its shapes (fewer epochs stand in for ten: the epochs
    after the first are steady, bench/short_reference.py), and both must record each fit's wait after
    training with none of TEARDOWN_SECONDS or more: the compared time is the whole fit() call, so a wait
    one side has and the other lacks, or that scales otherwise, is not the predictor's error. And drift in
    the machine's speed between the sides must not be charged to the predictor: their invocations
    alternate, or the quick run follows its reference directly in its image. The quick side runs today's
    quick profile's epochs and steps: a shorter sample of the machine's speed is noisier, so its error is
    another profile's."""
    for side in (reference, quick):
        if any(part["settings"] | {"repeats": 0} != side[0]["settings"] | {"repeats": 0} for part in side):
            return "the invocations of one of its sides differ in their settings"
    s = reference[0]["settings"]
    if s["steps_per_epoch"] or any(s[k] != size[k] for k in ("train_samples", *SHAPE_KEYS)):
        return "its reference does not run whole epochs of the article's batches at its shapes"
    for name, side in (("reference", reference), ("quick run", quick)):
        fits = [r for part in side for r in part["runs"] if r["status"] == "ok"]
        if any("teardown_seconds" not in r for r in fits):
            return f"its {name}'s fits predate the record of the wait after training, which the compared time holds"
        most = max((r["teardown_seconds"] for r in fits), default=0.0)
        if most >= TEARDOWN_SECONDS:
            return f"its {name}'s fits wait up to {most:.1f} s after training, inside the compared time"
    if not (alternate(reference, quick) or follows(reference, quick)):
        return (
            "its quick run and its reference were neither interleaved nor made one straight after the other in "
            "one image, so drift in the machine's speed between them would be charged to the predictor"
        )
    today, q = PROFILES["quick"], quick[0]["settings"]
    if not validated_profile(q):
        return (
            f"its quick run ran {q['epochs']} epochs of {q['steps_per_epoch']} steps, not today's quick profile "
            f"({today.epochs} of {today.steps_per_epoch})"
        )
    return None


def alternate(reference: Side, quick: Side) -> bool:
    """Whether the two sides' invocations took turns, several each: drift hits both alike."""
    starts = sorted([(part["created"], "reference") for part in reference] + [(p["created"], "quick") for p in quick])
    turns = [name for _, name in starts]
    return len(turns) > 2 and all(a != b for a, b in pairwise(turns))


def follows(reference: Side, quick: Side) -> bool:
    """Whether a one-invocation quick run began within QUICK_AFTER_SECONDS of its one-invocation reference's
    end, in its image (`make reproduce-quick` straight after `make reproduce`)."""
    if len(reference) != 1 or len(quick) != 1:
        return False
    (ref,), (fast,) = reference, quick
    gap = (datetime.fromisoformat(fast["created"]) - datetime.fromisoformat(ref["updated"])).total_seconds()
    same_image = ref["environment"]["container"]["image_id"] == fast["environment"]["container"]["image_id"]
    return same_image and 0 <= gap <= QUICK_AFTER_SECONDS


def widening(settings: RunSettings) -> tuple[float, float]:
    """The factors a predicted (fit time, ratio) interval is widened by. A ratio predicted from today's quick
    profile's epochs and steps, those its error was validated on (unlike()), by the ratio's own validated
    error; any other prediction (fewer steps, an older profile, whole epochs scaled) by the bound the fit
    time's error puts on a ratio of two, as if the two models' errors were opposite."""
    fit = validated_error()
    if validated_profile(settings):
        return 1 + fit, 1 + validated_ratio_error()
    return 1 + fit, (1 + fit) / (1 - fit)


def validated_profile(settings: RunSettings) -> bool:
    """Whether a run predicts from today's quick profile's epochs and steps, those its errors belong to."""
    today = PROFILES["quick"]
    return (settings["epochs"], settings["steps_per_epoch"]) == (today.epochs, today.steps_per_epoch)


def method(settings: RunSettings, size: dict) -> str:
    """How the article-size times of a run with these settings are obtained, in words."""
    if at_article_size(settings, size):
        return "measured at the article's size"
    fit, ratio = widening(settings)
    widened = f"widened by the predictor's validated error: {fit - 1:.0%} for a fit time, {ratio - 1:.0%} for a ratio"
    if not validated_profile(settings):
        widened += (
            " (the bound the fit time's error puts on a ratio: not the profile the ratio's error was validated on)"
        )
    if settings["steps_per_epoch"]:
        steps = settings["steps_per_epoch"]
        return f"predicted from {steps}-step epochs (steady per-step time x the article's batches), {widened}"
    return (
        f"predicted by scaling whole epochs of a {settings['train_samples']:,}-review run (unvalidated: the quick "
        f"profile predicts from per-step times), {widened}"
    )


def at_article_size(settings: RunSettings, size: dict) -> bool:
    same = all(settings[k] == size[k] for k in ("train_samples", "epochs", *SHAPE_KEYS))
    return same and not settings["steps_per_epoch"]


def cannot_predict(settings: RunSettings, size: dict) -> str | None:
    """Why this run's times cannot be scaled to the article's size, or None if they can."""
    for key in SHAPE_KEYS:
        if settings[key] != size[key]:
            return f"its {key} {settings[key]} differs from the article's {size[key]}"
    if settings["epochs"] < 2:
        return "it ran one epoch, so warm-up and steady state cannot be told apart"
    return None


def predict_fit_seconds(run: Run, settings: RunSettings, size: dict) -> float:
    batches = settings["steps_per_epoch"] or batches_per_epoch(settings["train_samples"], settings["batch_size"])
    wanted = batches_per_epoch(size["train_samples"], size["batch_size"])
    return scaled_fit_seconds(run, batches, wanted, size["epochs"])


def article_size_seconds(run: Run, settings: RunSettings, size: dict) -> float:
    """The run's fit time if it ran at the article's size, else its prediction."""
    if at_article_size(settings, size):
        return compared_fit_seconds(run)
    return predict_fit_seconds(run, settings, size)
