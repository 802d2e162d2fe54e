"""The IMDB reviews as the article used them, or a loudly flagged IMDB-shaped stand-in.

Order of sources: an explicit path (--imdb-path or $CUDNN_REPRO_IMDB), the Keras cache,
a download. Only when no file exists and the download fails does `data="auto"` fall
back to the synthetic set; a file that exists but does not match the published hash is
always an error.
"""

from __future__ import annotations

import os
import shutil
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import Failure
from ..files import sha256_of
from ..settings import SYNTHETIC_NOTE
from ..variables import IMDB_ENV, OFFLINE_ENV

IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
# The hash keras.datasets.imdb.load_data checks the download against.
IMDB_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
# keras.datasets.imdb.load_data defaults (unchanged since Keras 2.0.9).
SHUFFLE_SEED, START_CHAR, OOV_CHAR, INDEX_FROM = 113, 1, 2, 3
IMDB_VOCABULARY = 88584  # distinct words in the published word index


class DatasetError(Failure):
    """A dataset file exists but cannot be trusted; never a reason to fall back."""


@dataclass
class Dataset:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    info: dict


def keras_cache_path() -> Path:
    return Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets" / "imdb.npz"


@dataclass(frozen=True)
class VerifiedNpz:
    """An imdb.npz whose SHA-256 was checked: the only kind of file that is ever unpickled."""

    path: Path


def verify(path: Path, expected_sha256: str) -> VerifiedNpz:
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise DatasetError(
            f"{path} is not the published imdb.npz (SHA-256 {actual}, expected {expected_sha256}); "
            "it is corrupt or truncated. Delete it to download it again, or point "
            f"--imdb-path / ${IMDB_ENV} at a good copy."
        )
    return VerifiedNpz(path)


def read_imdb_npz(npz: VerifiedNpz, num_words: int) -> tuple:
    """Word-id lists and labels exactly as keras.datasets.imdb.load_data returns them."""
    with np.load(npz.path, allow_pickle=True) as f:
        splits = [(f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])]
    rng = np.random.RandomState(SHUFFLE_SEED)
    out = []
    for x, y in splits:
        order = np.arange(len(x))
        rng.shuffle(order)
        words = [
            [START_CHAR] + [w + INDEX_FROM if w + INDEX_FROM < num_words else OOV_CHAR for w in x[i]] for i in order
        ]
        out.append((words, np.asarray(y[order], dtype="int64")))
    return out[0], out[1]


def download_imdb(dest: Path) -> bool:
    """Fetch imdb.npz into the Keras cache; False when the network does not answer."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    print(f"downloading {IMDB_URL} ...", file=sys.stderr)
    partial = dest.with_suffix(".part")
    try:
        with urllib.request.urlopen(IMDB_URL, timeout=30) as response, partial.open("wb") as f:
            shutil.copyfileobj(response, f)
    except (urllib.error.URLError, OSError) as error:
        partial.unlink(missing_ok=True)
        print(f"download failed: {error}", file=sys.stderr)
        return False
    partial.replace(dest)
    return True


def synthetic_imdb(n: int, num_words: int, seed: int) -> tuple[list[list[int]], np.ndarray]:
    """Reviews shaped like IMDB's: log-normal lengths (median 178, mean 239 words, as in
    the real training set) and Zipf-Mandelbrot word frequencies over its vocabulary."""
    rng = np.random.default_rng(seed)
    lengths = np.clip(rng.lognormal(np.log(178), 0.766, n).astype(int), 11, 2494)
    ranks = np.arange(1, IMDB_VOCABULARY + 1)
    p = 1.0 / (ranks + 2.7)
    words = rng.choice(ranks, size=int(lengths.sum()), p=p / p.sum()) + INDEX_FROM
    words[words >= num_words] = OOV_CHAR
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    reviews = [[START_CHAR, *words[s : s + k].tolist()] for s, k in zip(starts, lengths, strict=True)]
    return reviews, rng.integers(0, 2, n)


def to_article_arrays(reviews: list, labels: np.ndarray, n: int, maxlen: int) -> tuple[np.ndarray, np.ndarray]:
    """The notebook's pad_sequences(maxlen, padding='post') then (N, maxlen, 1): each step one raw
    word id. Keras' defaults otherwise: int32 zeros, truncating='pre' (a long review keeps its end).
    Written out with numpy so that the data needs no deep-learning framework (the torch stack
    loads no Keras); a test holds it equal to keras.utils.pad_sequences."""
    reviews = reviews[:n]
    x = np.zeros((len(reviews), maxlen), dtype="int32")
    for row, review in zip(x, reviews, strict=True):
        kept = review[-maxlen:]
        row[: len(kept)] = kept
    return x.reshape(len(x), maxlen, 1).astype("float32"), labels[:n].astype("float32")


def find_imdb(mode: str, explicit: str | None = None, download: bool = True) -> VerifiedNpz | None:
    """The verified imdb.npz to use, or None for the flagged synthetic set (mode "auto" only).

    In order: --imdb-path, $CUDNN_REPRO_IMDB, the Keras cache, a download into the cache.
    A named file that is missing or wrong is an error, never a reason to fall back."""
    if mode == "synthetic":
        return None
    explicit = explicit or os.environ.get(IMDB_ENV)
    path = Path(explicit) if explicit else keras_cache_path()
    if explicit and path.is_dir():
        raise DatasetError(f"{path} is a folder; --imdb-path or ${IMDB_ENV} names the imdb.npz file itself")
    if explicit and not path.is_file():
        raise DatasetError(f"{path} does not exist (given by --imdb-path or ${IMDB_ENV})")
    if path.is_file() or (download and download_imdb(path)):
        return verify(path, IMDB_SHA256)
    if mode == "imdb":
        where = "the download is off here (the host found none)" if not download else "the download failed"
        raise DatasetError(f"no imdb.npz at {path} and {where}; pass --imdb-path")
    return None


def load_dataset(settings, imdb_path: str | None = None, looked: bool = False) -> Dataset:
    """looked: the host has already looked for the file (and downloaded it if it could), so no
    download is tried again: in a container (no network, nothing written outside its output
    folder), or a local run that a container run fell back to."""
    npz = find_imdb(settings.data, imdb_path, download=not looked and os.environ.get(OFFLINE_ENV) != "1")
    if npz is not None:
        train, test = read_imdb_npz(npz, settings.num_words)
        info = {"source": "imdb", "path": str(npz.path), "sha256": IMDB_SHA256, "note": "real IMDB (Keras imdb.npz)"}
        return _assemble(train, test, settings, info)
    print(f"WARNING: {SYNTHETIC_NOTE}", file=sys.stderr)
    train = synthetic_imdb(settings.train_samples, settings.num_words, settings.seed)
    test = synthetic_imdb(settings.test_samples, settings.num_words, settings.seed + 1)
    info = {"source": "synthetic", "path": None, "sha256": None, "seed": settings.seed, "note": SYNTHETIC_NOTE}
    return _assemble(train, test, settings, info)


def _assemble(train: tuple, test: tuple, settings, info: dict) -> Dataset:
    x_train, y_train = to_article_arrays(*train, settings.train_samples, settings.maxlen)
    x_test, y_test = to_article_arrays(*test, settings.test_samples, settings.maxlen)
    info |= {"x_train_shape": list(x_train.shape), "x_test_shape": list(x_test.shape)}
    return Dataset(x_train, y_train, x_test, y_test, info)
