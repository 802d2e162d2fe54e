"""Validate the quick verdict: run the quick profile and the article-size run side by side.

    python bench/quick_vs_full.py --models LSTM,GRU --full-out paper --quick-out paper/runs/cpu-quick

Both runs go through reproduce.py, one after the other in this one invocation, on the
same machine. Prints, per model, the quick profile's predicted article-size fit time
against the measured one, and the quick run's time as a fraction of the full run's; the
full run's report gets the same comparison. Targets: within 10 %, under 10 % of the time.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cudnn_repro import results  # noqa: E402
from cudnn_repro.analysis import validate_prediction  # noqa: E402
from cudnn_repro.claims import load_article  # noqa: E402
from cudnn_repro.report import validation_section  # noqa: E402


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
    parser.add_argument("--repeats", type=int, default=3, help="quick-profile runs per model")
    parser.add_argument("--full-out", type=Path, default=Path("bench/out/full"))
    parser.add_argument("--quick-out", type=Path, default=Path("bench/out/quick"))
    parser.add_argument("--data", default="auto")
    args = parser.parse_args()
    extra = ["--data", args.data, "--force"]
    quick_wall = timed_run("quick", args.models, args.quick_out, [*extra, "--repeats", str(args.repeats)])
    full_wall = timed_run("paper", args.models, args.full_out, extra)

    quick_file, full_file = args.quick_out / results.RESULTS_NAME, args.full_out / results.RESULTS_NAME
    report = [sys.executable, str(ROOT / "reproduce.py"), "report", str(full_file), "--quick", str(quick_file)]
    subprocess.run(report, check=True)
    print()
    quick = results.load(quick_file)
    print(validation_section(validate_prediction(results.load(full_file), quick, load_article()), quick))
    share = quick_wall / full_wall
    print(f"\nWhole commands: quick {quick_wall:.1f} s, full {full_wall:.1f} s, quick / full = {share:.3f}")


if __name__ == "__main__":
    main()
