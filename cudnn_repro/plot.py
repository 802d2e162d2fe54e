"""Article vs measured fit times as a bar chart (PNG), from the analysis alone."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from .analysis import Analysis
from .claims import Article
from .stats import median_interval


def plot_times(analysis: Analysis, article: Article, path: Path) -> Path | None:
    """None when there is nothing measured to draw."""
    names = [n for n, m in analysis.models.items() if m.basis]
    if not names:
        return None
    label = "measured" if analysis.basis == "measured" else "predicted from a short run"
    fig, ax = plt.subplots(figsize=(7, 4))
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], [article.fit_seconds[n] for n in names], 0.4, label="article (GTX 1060, 2017)")
    points = [median_interval(analysis.models[n].basis) for n in names]
    errors = [
        [p - (lo if lo is not None else p) for p, lo, _ in points],
        [(hi if hi is not None else p) - p for p, _, hi in points],
    ]
    ax.bar([i + 0.2 for i in x], [p for p, _, _ in points], 0.4, yerr=errors, capsize=3, label=f"this run ({label})")
    ax.set_xticks(list(x), names)
    ax.set_yscale("log")
    ax.set_ylabel("fit wall time, 10 epochs at article size (s, log)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
