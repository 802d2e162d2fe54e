"""Validate the quick verdict: run the quick profile and the article-size run side by side.

    python bench/quick_vs_full.py --models LSTM,GRU --full-out paper --quick-out paper/runs/cpu-quick

Both runs go through reproduce.py, one after the other in this one invocation, on the
same machine. Prints, per model, the quick profile's predicted article-size fit time
against the measured one, and the quick run's wall time as a fraction of the full run's.
Targets: prediction within 10 %, in under 10 % of the time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cudnn_repro import results  # noqa: E402
from cudnn_repro.analysis import summarise_models  # noqa: E402
from cudnn_repro.claims import load_article  # noqa: E402


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
    print("$", " ".join(command), flush=True)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="LSTM,GRU")
    parser.add_argument("--full-out", type=Path, default=Path("bench/out/full"))
    parser.add_argument("--quick-out", type=Path, default=Path("bench/out/quick"))
    parser.add_argument("--data", default="auto")
    args = parser.parse_args()
    extra = ["--data", args.data, "--force"]
    quick_wall = timed_run("quick", args.models, args.quick_out, extra)
    full_wall = timed_run("paper", args.models, args.full_out, extra)

    article = load_article()
    quick, _ = summarise_models(results.load(args.quick_out / results.RESULTS_NAME), article)
    full, _ = summarise_models(results.load(args.full_out / results.RESULTS_NAME), article)
    rows = []
    for name in args.models.split(","):
        predicted, measured = quick[name].basis[0], full[name].basis[0]
        rows.append(
            [
                name,
                f"{predicted:.1f}",
                f"{measured:.1f}",
                f"{predicted / measured:.3f}",
                f"{abs(predicted / measured - 1):.1%}",
            ]
        )
    print()
    print(
        tabulate(
            rows,
            headers=["Model", "Predicted fit (s)", "Measured fit (s)", "Predicted / measured", "Error (target < 10 %)"],
        )
    )
    print(
        f"\nwall time: quick {quick_wall:.1f} s, full {full_wall:.1f} s, "
        f"quick / full = {quick_wall / full_wall:.3f} (target < 0.10)"
    )


if __name__ == "__main__":
    main()
