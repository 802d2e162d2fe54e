"""The IMDB loader on small files in the real imdb.npz format, and the synthetic set."""

import dataclasses

import numpy as np
import pytest
from helpers import write_imdb_npz
from hypothesis import given
from hypothesis import strategies as st

from cudnn_repro.measure import data
from cudnn_repro.settings import PROFILES

SMALL = dataclasses.replace(PROFILES["smoke"], train_samples=4, test_samples=3, maxlen=50, num_words=30000)


def test_good_file_is_read_like_keras(tmp_path):
    path = write_imdb_npz(tmp_path / "imdb.npz")
    (x_train, y_train), (x_test, _) = data.read_imdb_npz(data.verify(path, data.sha256_of(path)), 30000)
    with np.load(path, allow_pickle=True) as raw:
        order = np.arange(6)
        np.random.RandomState(113).shuffle(order)
        first = raw["x_train"][order[0]]
        assert y_train.tolist() == raw["y_train"][order].tolist()
    assert x_train[0][0] == data.START_CHAR
    assert x_train[0][1:] == [w + 3 if w + 3 < 30000 else data.OOV_CHAR for w in first]
    assert max(max(x) for x in x_train + x_test) < 30000


def test_article_arrays_are_post_padded_and_pre_truncated():
    x, y = data.to_article_arrays([[1, 5, 6], list(range(1, 101))], np.array([0, 1]), 2, maxlen=10)
    assert x.shape == (2, 10, 1) and x.dtype == np.float32 and y.tolist() == [0.0, 1.0]
    assert x[0, :, 0].tolist() == [1, 5, 6, 0, 0, 0, 0, 0, 0, 0]
    assert x[1, :, 0].tolist() == list(range(91, 101))


@given(
    reviews=st.lists(st.lists(st.integers(1, 29999), max_size=40), min_size=1, max_size=8),
    maxlen=st.integers(1, 30),
)
def test_article_arrays_equal_keras_pad_sequences(reviews, maxlen):
    from keras.utils import pad_sequences

    x, _ = data.to_article_arrays(reviews, np.zeros(len(reviews)), len(reviews), maxlen)
    assert np.array_equal(x[:, :, 0], pad_sequences(reviews, maxlen=maxlen, padding="post").astype("float32"))


def test_explicit_good_file_is_used(tmp_path, monkeypatch):
    path = write_imdb_npz(tmp_path / "imdb.npz")
    monkeypatch.setattr(data, "IMDB_SHA256", data.sha256_of(path))
    ds = data.load_dataset(SMALL, str(path))
    assert ds.info["source"] == "imdb" and ds.x_train.shape == (4, 50, 1) and ds.x_test.shape == (3, 50, 1)


def test_wrong_hash_is_an_error_never_a_fallback(tmp_path):
    path = write_imdb_npz(tmp_path / "imdb.npz")
    with pytest.raises(data.DatasetError, match=r"not the published imdb\.npz"):
        data.load_dataset(SMALL, str(path))


def test_truncated_file_is_an_error(tmp_path):
    good = write_imdb_npz(tmp_path / "good.npz")
    truncated = tmp_path / "imdb.npz"
    truncated.write_bytes(good.read_bytes()[:200])
    with pytest.raises(data.DatasetError, match="corrupt or truncated"):
        data.read_imdb_npz(data.verify(truncated, data.sha256_of(good)), 30000)


def test_absent_explicit_path_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(data.DatasetError, match="does not exist"):
        data.load_dataset(SMALL, str(tmp_path / "missing.npz"))
    monkeypatch.setenv(data.IMDB_ENV, str(tmp_path / "missing.npz"))
    with pytest.raises(data.DatasetError, match="does not exist"):
        data.load_dataset(SMALL)


def test_corrupt_cached_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "imdb.npz").write_bytes(b"not a zip file")
    with pytest.raises(data.DatasetError):
        data.load_dataset(SMALL)


def test_no_file_and_failed_download_falls_back_loudly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(data, "download_imdb", lambda dest: False)
    ds = data.load_dataset(SMALL)
    assert ds.info["source"] == "synthetic" and "accuracy not comparable" in ds.info["note"]
    assert "synthetic" in capsys.readouterr().err
    with pytest.raises(data.DatasetError, match="the download failed"):
        data.load_dataset(dataclasses.replace(SMALL, data="imdb"))


def test_synthetic_set_is_imdb_shaped_and_deterministic():
    reviews, labels = data.synthetic_imdb(2000, 30000, seed=7)
    again, _ = data.synthetic_imdb(2000, 30000, seed=7)
    other, _ = data.synthetic_imdb(2000, 30000, seed=8)
    assert reviews == again and reviews != other
    lengths = np.array([len(r) for r in reviews])
    assert 150 < np.median(lengths) < 210 and 200 < lengths.mean() < 280
    words = np.concatenate([r[1:] for r in reviews])
    assert words.min() >= data.OOV_CHAR and words.max() < 30000
    assert 0.05 < np.mean(words == data.OOV_CHAR) < 0.3  # the long tail past num_words
    assert 0.4 < labels.mean() < 0.6
