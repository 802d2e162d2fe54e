"""Where the quick prediction's error comes from: each part of a model's predicted article-size fit
against the same part measured at the article's size, for one committed (quick, paper) pair.

A fit is its set-up outside the epochs, a first epoch that also builds and warms up, and nine steady
epochs, each a fixed part plus its steps at the steady per-step time (judge/predict.py). Each part's
line gives the quick run's prediction, the paper run's measurement (geometric means over runs) and
its share of the total error (signed, of the measured fit; geometric means, so the shares add up to
the whole fit's error only roughly); then the reference's own noise: its fits' spread and the
half-width of its 95 % interval.

    python bench/prediction_parts.py paper/runs/main-quick/results.json paper/results.json
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from cudnn_repro.judge import stats
from cudnn_repro.judge.claims import load_article
from cudnn_repro.results import compared_fit_seconds


def geomean(values: list[float]) -> float:
    return stats.log_estimate(values).point if values else float("nan")


def steady_step(run: dict) -> float:
    return statistics.median(s for s in run["step_seconds"][1:] if s is not None)


def parts(run: dict, extra: int, epochs: int) -> dict[str, float]:
    """A run's parts at the article's size: predicted when `extra` batches per epoch are missing."""
    seconds, step = run["epoch_seconds"], steady_step(run)
    outside = max(compared_fit_seconds(run) - sum(seconds), 0.0)
    if extra == 0:
        return {"set-up outside the epochs": outside, "first epoch": seconds[0],
                "steady epochs (2 on)": sum(seconds[1:]), "steady step (ms)": 1000 * step}  # fmt: skip
    steady = (epochs - 1) * (statistics.median(seconds[1:]) + extra * step)
    return {"set-up outside the epochs": outside, "first epoch": seconds[0] + extra * step,
            "steady epochs (2 on)": steady, "steady step (ms)": 1000 * step}  # fmt: skip


def main(quick_file: str, paper_file: str) -> None:
    quick, paper = (json.loads(Path(f).read_text()) for f in (quick_file, paper_file))
    size = load_article().size
    batches = -(-size["train_samples"] // size["batch_size"])
    extra = batches - quick["settings"]["steps_per_epoch"]
    for model in quick["settings"]["models"]:
        q = [r for r in quick["runs"] if r["model"] == model and r["status"] == "ok"]
        p = [r for r in paper["runs"] if r["model"] == model and r["status"] == "ok"]
        if not q or not p:
            continue
        predicted = {k: geomean([parts(r, extra, size["epochs"])[k] for r in q]) for k in parts(q[0], extra, 10)}
        measured = {k: geomean([parts(r, 0, size["epochs"])[k] for r in p]) for k in predicted}
        fits = [compared_fit_seconds(r) for r in p]
        total = geomean(fits)
        print(f"{model}: {len(q)} quick run(s) against {len(p)} paper run(s); measured fit {total:.1f} s")
        for key in predicted:
            share = "" if "ms" in key else f", {100 * (predicted[key] - measured[key]) / total:+.1f} % of the fit"
            print(f"  {key:27} predicted {predicted[key]:8.2f}  measured {measured[key]:8.2f}{share}")
        whole = geomean([sum(v for k, v in parts(r, extra, size["epochs"]).items() if "ms" not in k) for r in q])
        print(f"  {'whole fit':27} predicted {whole:8.2f}  measured {total:8.2f}, {100 * (whole / total - 1):+.1f} %")
        estimate = stats.log_estimate(fits)
        half = (estimate.high / estimate.low) ** 0.5 - 1 if estimate.interval else float("nan")
        print(f"  reference noise: fits spread {100 * stats.relative_spread(fits):.0f} % of their median; "
              f"95 % interval +-{100 * half:.0f} %")  # fmt: skip


if __name__ == "__main__":
    main(*sys.argv[1:3])
