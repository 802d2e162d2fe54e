"""The quick verdict: article-size fit times predicted from a run on a subset.

A fit's time is its setup outside the epochs, a one-off warm-up inside the first epoch,
and steady epochs whose time grows with the number of batches. The subset measures
all three; only the steady part is scaled to the article's batches and epochs.
"""

from __future__ import annotations

import math
import statistics

# What must equal the article for a scaled prediction to mean anything.
SHAPE_KEYS = ("batch_size", "maxlen", "num_words")


def at_article_size(settings: dict, size: dict) -> bool:
    return all(settings[k] == size[k] for k in ("train_samples", "epochs", *SHAPE_KEYS))


def cannot_predict(settings: dict, size: dict) -> str | None:
    """Why this run's times cannot be scaled to the article's size, or None if they can."""
    for key in SHAPE_KEYS:
        if settings[key] != size[key]:
            return f"its {key} {settings[key]} differs from the article's {size[key]}"
    if settings["epochs"] < 2:
        return "it ran one epoch, so warm-up and steady state cannot be told apart"
    return None


def predict_fit_seconds(run: dict, settings: dict, size: dict) -> float:
    epochs = run["epoch_seconds"]
    steady = statistics.median(epochs[1:])
    warmup = max(epochs[0] - steady, 0.0)
    outside = max(run["fit_seconds"] - sum(epochs), 0.0)
    batches = math.ceil(size["train_samples"] / size["batch_size"])
    subset_batches = math.ceil(settings["train_samples"] / settings["batch_size"])
    return outside + warmup + size["epochs"] * steady * batches / subset_batches


def article_size_seconds(run: dict, settings: dict, size: dict) -> float:
    """The run's fit time if it ran at the article's size, else its prediction."""
    if at_article_size(settings, size):
        return run["fit_seconds"]
    return predict_fit_seconds(run, settings, size)
