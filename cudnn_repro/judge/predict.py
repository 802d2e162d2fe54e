"""The quick verdict: article-size fit times predicted from a short run.

A fit is its setup outside the epochs, a first epoch that also builds and warms up,
and steady epochs. Each epoch is a fixed part (Keras sets up its data iterator) and its
steps. The quick profile runs the article's data through the same input pipeline for a
few steps per epoch; the prediction adds the article's remaining batches at the steady
per-step time, read between batch starts (epochs 2 onwards).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..results import ResultsFile, Run, RunSettings, compared_fit_seconds
from ..scaling import scaled_fit_seconds
from ..settings import batches_per_epoch
from .findings import TEARDOWN_SECONDS

# What must equal the article for a scaled prediction to mean anything.
SHAPE_KEYS = ("batch_size", "maxlen", "num_words")
# The predictor's error as validated against article-size runs (bench/quick_vs_full.py);
# tests/judge/test_validation.py recomputes it from the committed runs.
VALIDATION_FILE = Path(__file__).with_name("prediction_error.json")


@cache
def validation_record() -> dict:
    return json.loads(VALIDATION_FILE.read_text())


def validated_error() -> float:
    """The largest |predicted / measured - 1| seen in the committed validations."""
    return validation_record()["validated_error"]


def targets() -> tuple[float, float]:
    """The quick profile's aims: (the error of a predicted fit time, its share of the full run's time)."""
    record = validation_record()
    return record["target_error"], record["target_share"]


def validations() -> list[dict]:
    """The (quick, paper) pairs of committed results files the error is measured on, where they compare
    like with like (unlike() says why not)."""
    return validation_record()["validations"]


def unlike(reference: ResultsFile, quick: ResultsFile, size: dict) -> str | None:
    """Why a (reference, quick) pair does not compare like with like, or None. The reference must run
    whole epochs of the article's 250 batches at its shapes (fewer epochs stand in for ten: the epochs
    after the first are steady, bench/short_reference.py), and both must record each fit's wait after
    training with none of TEARDOWN_SECONDS or more: the compared time is the whole fit() call, so a wait
    one side has and the other lacks, or that scales otherwise, is not the predictor's error."""
    s = reference["settings"]
    if s["steps_per_epoch"] or any(s[k] != size[k] for k in ("train_samples", *SHAPE_KEYS)):
        return "its reference does not run whole epochs of the article's batches at its shapes"
    for side, results in (("reference", reference), ("quick run", quick)):
        fits = [r for r in results["runs"] if r["status"] == "ok"]
        if any("teardown_seconds" not in r for r in fits):
            return f"its {side}'s fits predate the record of the wait after training, which the compared time holds"
        most = max((r["teardown_seconds"] for r in fits), default=0.0)
        if most >= TEARDOWN_SECONDS:
            return f"its {side}'s fits wait up to {most:.1f} s after training, inside the compared time"
    return None


def method(settings: RunSettings, size: dict) -> str:
    """How the article-size times of a run with these settings are obtained, in words."""
    if at_article_size(settings, size):
        return "measured at the article's size"
    if settings["steps_per_epoch"]:
        return (
            f"predicted from {settings['steps_per_epoch']}-step epochs (steady per-step time x the article's "
            f"batches), widened by the predictor's validated error of {validated_error():.0%}"
        )
    return (
        f"predicted by scaling whole epochs of a {settings['train_samples']:,}-review run (unvalidated: the quick "
        f"profile predicts from per-step times), widened by the predictor's validated error of {validated_error():.0%}"
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
