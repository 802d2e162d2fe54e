"""Validate the quick verdict: run the quick profile and the article-size run side by side.

    python bench/quick_vs_full.py --models LSTM,GRU --pairs 3
    python bench/quick_vs_full.py --pairs 2 --full-epochs 2 --full-repeats 3 --full-test-samples 1000
    python bench/quick_vs_full.py --interleave --pairs 2 --full-epochs 2 --full-test-samples 1000

Each pair is a quick run then an article-size run (or, with --full-epochs, whole epochs of the article's
batches, fewer of them: the epochs after the first are steady, so they stand in for ten;
bench/short_reference.py shows it on the flagship), through reproduce.py, in this one
invocation on the same machine; pairs follow each other, so drift in the machine's speed
shows up as pair-to-pair spread. With --interleave, a pair's sides take turns, one repeat per
invocation (quick-1, full-1, quick-2, full-2, ...), so drift within the pair hits both alike
(judge/predict.py's unlike() counts a pair made so). Prints, per pair and model, the quick profile's predicted
article-size fit time against the measured one, whether the report's widened interval
covered it, and the quick run's share of the time; then the median error per model.
Targets: cudnn_repro/judge/prediction_error.json's (target_error, target_share). Every results file is kept
under --out (pair-N/quick, pair-N/full; interleaved: pair-N/quick-R, pair-N/full-R) so the predictor can be
re-checked without rerunning.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tabulate import tabulate  # noqa: E402

from cudnn_repro import results  # noqa: E402
from cudnn_repro.judge import predict  # noqa: E402
from cudnn_repro.judge.analysis import analyse, validate_prediction  # noqa: E402
from cudnn_repro.judge.claims import load_article  # noqa: E402


def timed_run(profile: str, models: str, out: Path, extra: list[str]) -> float:
    command = [
        sys.executable,
        str(ROOT / "reproduce.py"),
        "--profile",
        profile,
        "--models",
        models,
        "--out",
        str(out),
        *extra,
    ]
    shown = ["python", "reproduce.py", *command[2:]]  # as a user types it, without this machine's paths
    print("$", " ".join(shown), flush=True)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def pair_rows(pair: int, quick_files: list[Path], full_files: list[Path], share: float) -> list[list]:
    """One row per model: prediction (unwidened), measurement, error, and the widened interval's coverage."""
    article = load_article()
    quick, full = [results.load(f) for f in quick_files], [results.load(f) for f in full_files]
    widened = analyse(predict.joined(quick), article).models
    why = predict.unlike(full, quick, article.size)
    if why:
        print(f"pair {pair} is not counted: {why}", flush=True)
    rows = []
    for r in validate_prediction(full, quick, article).rows:
        interval = widened[r.model].size_estimate
        low, high = (interval.low, interval.high) if interval.low is not None else (interval.point, interval.point)
        covered = "yes" if low <= r.measured.point <= high else "no"
        rows.append([pair, r.model, r.predicted.point, r.measured.point, r.error, f"[{low:.1f}, {high:.1f}]", covered,
                     share])  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="LSTM,GRU")
    parser.add_argument("--repeats", type=int, default=3, help="quick-profile runs per model")
    parser.add_argument("--pairs", type=int, default=3, help="quick/full pairs, one after the other")
    parser.add_argument("--out", type=Path, default=Path("bench/out/quick_vs_full"))
    parser.add_argument("--data", default="auto")
    parser.add_argument("--full-epochs", type=int, help="the reference's epochs (default: the article's 10)")
    parser.add_argument("--full-repeats", type=int, help="the reference's runs per model (default: the paper rule)")
    parser.add_argument("--full-test-samples", type=int, help="the reviews each reference model is evaluated on")
    parser.add_argument("--interleave", action="store_true", help="the sides take turns, one repeat per invocation")
    args = parser.parse_args()
    if args.interleave and args.full_repeats:
        parser.error("--interleave makes as many reference repeats as quick ones (--repeats)")
    extra = ["--data", args.data, "--force"]
    full_extra = [*extra, *(["--epochs", str(args.full_epochs)] if args.full_epochs else []),
                  *(["--repeats", str(args.full_repeats)] if args.full_repeats else []),
                  *(["--test-samples", str(args.full_test_samples)] if args.full_test_samples else [])]  # fmt: skip
    rows = []
    name = results.RESULTS_NAME
    for pair in range(1, args.pairs + 1):
        folder = args.out / f"pair-{pair}"
        if args.interleave:  # quick-1, full-1, quick-2, full-2, ...: one repeat each
            turns = [(folder / f"quick-{r}", folder / f"full-{r}") for r in range(1, args.repeats + 1)]
            quick_repeats, full_extra_repeats = "1", ["--repeats", "1"]
        else:
            turns, quick_repeats, full_extra_repeats = [(folder / "quick", folder / "full")], str(args.repeats), []
        quick_wall = full_wall = 0.0
        for quick_out, full_out in turns:
            quick_wall += timed_run("quick", args.models, quick_out, [*extra, "--repeats", quick_repeats])
            full_wall += timed_run("paper", args.models, full_out, [*full_extra, *full_extra_repeats])
        quick_files, full_files = [q / name for q, _ in turns], [f / name for _, f in turns]
        rows += pair_rows(pair, quick_files, full_files, quick_wall / full_wall)
        print(tabulate(rows[-len(args.models.split(",")) :], floatfmt=".3f"), flush=True)
    headers = ["Pair", "Model", "Predicted (s)", "Measured (s)", "Error", "Widened interval (s)", "Covered",
               "Quick / full time"]  # fmt: skip
    print(f"\n{tabulate(rows, headers, floatfmt=('d', '', '.1f', '.1f', '+.1%', '', '', '.3f'))}\n")
    for model in args.models.split(","):
        errors = [r[4] for r in rows if r[1] == model]
        covered = sum(r[6] == "yes" for r in rows if r[1] == model)
        print(
            f"{model}: median error {statistics.median(errors):+.1%}, median |error| "
            f"{statistics.median(abs(e) for e in errors):.1%}, widened interval covered {covered}/{len(errors)}"
        )
    print(f"quick / full time: median {statistics.median(r[7] for r in rows):.3f}")


if __name__ == "__main__":
    main()
