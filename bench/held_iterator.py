"""Does holding tf_keras's own input iterator until after the clock remove fit()'s teardown without
slowing the epochs? Side by side in one run, interleaved, on the keras2 stack's plain models.

tf_keras feeds numpy arrays to fit() through a tf.data pipeline (TensorLikeDataAdapter: shuffled indices,
gathered batches, prefetch(AUTOTUNE)); destroying its iterator when fit() returns waits for tf.data's
autotune thread to wake (bench/autotune_teardown.py), up to a minute after training ended. Two ways:

- numpy:  fit(x_train, y_train, batch_size=...) as the notebook called it (today's run);
- held:   the same pipeline built by the same adapter, its iterator made and held by the run, fit() on it
          with the same steps per epoch, the iterator released after the clock stops (that release timed).

Per fit: the whole call, each epoch, the teardown (on_train_end to fit() returning), and the release.

    python bench/held_iterator.py [--pairs 3] [--epochs 2] [--train-samples 25000] [--models LSTM,GRU]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tabulate import tabulate

from cudnn_repro.judge import stats
from cudnn_repro.measure import framework
from cudnn_repro.measure.data import load_dataset
from cudnn_repro.measure.stacks import keras2
from cudnn_repro.measure.timing import collect_garbage, fit_options
from cudnn_repro.settings import PROFILES, SPECS


def fit_once(way: str, name: str, settings, data) -> dict:
    model = keras2.fresh_model(SPECS[name], settings)
    timer = keras2.timer(f"{way} {name}", settings.epochs)
    timer.quiet = True
    collect_garbage()
    feed = keras2.Feed(data.x_train, data.y_train, settings) if way == "held" else None
    start = time.perf_counter()
    if feed is None:
        model.fit(data.x_train, data.y_train, callbacks=[timer], **fit_options(settings))
    else:
        model.fit(feed.dataset, callbacks=[timer], epochs=settings.epochs, steps_per_epoch=feed.steps, verbose=0)
    end = time.perf_counter()
    release = feed.release() if feed is not None else 0.0
    return {
        "fit": end - start,
        "epochs": timer.seconds,
        "teardown": end - timer.train_end,
        "release": release,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--train-samples", type=int, default=25000)
    parser.add_argument("--models", default="LSTM,GRU")
    args = parser.parse_args()
    base = PROFILES["paper"]
    settings = base.__class__(**{**base.__dict__, "epochs": args.epochs, "train_samples": args.train_samples,
                                 "test_samples": 100, "stack": "keras2"})  # fmt: skip
    data = load_dataset(settings, None)
    rows, ratios = [], {}
    with framework.selected("keras2"):
        for pair in range(args.pairs):
            for name in args.models.split(","):
                order = ("numpy", "held") if pair % 2 == 0 else ("held", "numpy")  # ABBA: drift hits both
                seen = {way: fit_once(way, name, settings, data) for way in order}
                for way in order:
                    r = seen[way]
                    epochs = " ".join(f"{e:.2f}" for e in r["epochs"])
                    rows.append([pair + 1, name, way, f"{r['fit']:.2f}", epochs, f"{r['teardown']:.2f}",
                                 f"{r['release']:.2f}"])  # fmt: skip
                    print(*rows[-1], sep="\t", flush=True)
                held, numpy = seen["held"], seen["numpy"]
                ratios.setdefault(name, []).append(sum(held["epochs"]) / sum(numpy["epochs"]))
    print()
    print(f"{settings.train_samples:,} reviews x {settings.epochs} epochs, batch {settings.batch_size}, "
          f"{args.pairs} interleaved pairs (ABBA)")  # fmt: skip
    headers = ["Pair", "Model", "Way", "Whole fit (s)", "Epochs (s)", "Teardown in fit (s)", "Released after (s)"]
    print(tabulate(rows, headers, tablefmt="github"))
    print()
    for name, values in ratios.items():
        e = stats.log_estimate(values)
        low, high = e.bounds
        print(f"{name}: epochs held / numpy: {e.point:.3f} [{low:.3f}, {high:.3f}] ({e.method}); "
              f"per pair {', '.join(f'{v:.3f}' for v in values)}")  # fmt: skip
    for way in ("numpy", "held"):
        teardowns = [float(r[5]) for r in rows if r[2] == way]
        fits = [float(r[3]) for r in rows if r[2] == way]
        most, median = max(teardowns), statistics.median(teardowns)
        print(
            f"{way}: teardown inside fit() at most {most:.2f} s (median {median:.2f} s); whole fits {sum(fits):.1f} s"
        )


if __name__ == "__main__":
    main()
