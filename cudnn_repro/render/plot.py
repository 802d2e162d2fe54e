"""Article vs this run's fit times as a bar chart (PNG), from the analysis alone."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from ..judge.analysis import MEASURED, Analysis
from ..judge.claims import Article
from ..results import write_atomically


def plot_times(analysis: Analysis, article: Article, path: Path) -> Path | None:
    """None when there is nothing measured or predicted to draw."""
    names = [n for n, m in analysis.models.items() if m.size_estimate]
    if not names:
        return None
    label = "measured" if analysis.basis.kind == MEASURED else "predicted from a short run"
    estimates = [analysis.models[n].size_estimate for n in names]
    fig, ax = plt.subplots(figsize=(7, 4))
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], [article.fit_seconds[n] for n in names], 0.4, label=f"article ({article.gpu})")
    errors = [[e.point - e.bounds[0] for e in estimates], [e.bounds[1] - e.point for e in estimates]]
    ax.bar([i + 0.2 for i in x], [e.point for e in estimates], 0.4, yerr=errors, capsize=3, label=f"this run ({label})")
    ax.set_xticks(list(x), names)
    ax.set_yscale("log")
    ax.set_ylabel(f"fit wall time, {article.size['epochs']} epochs at article size (s, log)")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)
    return path


def save_figure(fig, path: Path) -> None:
    """Rendered in memory, then written atomically: a full disk leaves no truncated PNG."""
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100)
    plt.close(fig)
    write_atomically(path, png.getvalue())
