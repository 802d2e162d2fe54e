"""Whether a reference of fewer whole epochs stands in for the article's ten: each fit of an article-size
run set, predicted from its own first K epochs (setup, the first epoch, then its steady epochs' median
for the rest, as judge/predict.py scales whole epochs), against the whole fit it recorded.

    python bench/short_reference.py paper/results.json --epochs 2 3

Prints, per fit and K, the prediction, the measured fit and the error; then per K the largest |error|.
A shorter reference (bench/quick_vs_full.py --full-epochs K) measures the same thing as a ten-epoch one
where these errors are small beside the fits' own spread.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tabulate import tabulate  # noqa: E402

from cudnn_repro import results  # noqa: E402
from cudnn_repro.scaling import scaled_fit_seconds  # noqa: E402


def first_epochs(run: dict, k: int) -> dict:
    """The fit as if it had stopped after k epochs: its time outside the epochs kept, later epochs dropped."""
    outside = run["fit_seconds"] - sum(run["epoch_seconds"])
    epochs = run["epoch_seconds"][:k]
    kept = {key: run[key][:k] for key in ("epoch_seconds", "step_seconds", "epoch_setup_seconds") if key in run}
    return run | kept | {"fit_seconds": outside + sum(epochs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--epochs", type=int, nargs="+", default=[2, 3])
    args = parser.parse_args()
    state = results.load(args.results)
    batches = state["settings"]["train_samples"] // state["settings"]["batch_size"]
    total = state["settings"]["epochs"]
    rows = []
    for run in (r for r in state["runs"] if r["status"] == "ok"):
        for k in args.epochs:
            predicted = scaled_fit_seconds(first_epochs(run, k), batches, batches, total)
            rows.append([run["model"], run["repeat"] + 1, k, predicted, run["fit_seconds"],
                         predicted / run["fit_seconds"] - 1])  # fmt: skip
    print(f"$ python bench/short_reference.py {args.results} --epochs {' '.join(map(str, args.epochs))}")
    headers = ["Model", "Run", "Epochs used", "Predicted fit (s)", "Measured fit (s)", "Error"]
    print(tabulate(rows, headers, floatfmt=("", "d", "d", ".1f", ".1f", "+.1%")))
    fits = [r[4] for r in rows if r[2] == args.epochs[0]]
    for model in dict.fromkeys(r[0] for r in rows):
        own = [r[4] for r in rows if r[0] == model and r[2] == args.epochs[0]]
        spread = (max(own) - min(own)) / sorted(own)[len(own) // 2]
        print(f"{model}: the fits' own spread (max - min) / median {spread:.1%}")
    for k in args.epochs:
        print(f"from {k} epochs: largest |error| {max(abs(r[5]) for r in rows if r[2] == k):.1%} over {len(fits)} fits")


if __name__ == "__main__":
    main()
