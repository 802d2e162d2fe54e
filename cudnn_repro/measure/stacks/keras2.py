"""The article's own code: Keras 2's LSTM, GRU, CuDNNLSTM and CuDNNGRU classes (tf_keras).

tf_keras is the Keras 2 that still ships for current TensorFlow; with TF_USE_LEGACY_KERAS=1
`tf.compat.v1.keras.layers` gives its v1 layer classes, the ones the 2017 notebook imported,
with their 2017 defaults (hard_sigmoid gates, implementation=1, GRU reset-before) and the
CuDNN classes' double bias. The models are built exactly as the notebook builds them:
nothing is set but what it set. No emulation code of the keras3 stack runs here.
"""

from __future__ import annotations

import os
import time

from ...settings import ModelSpec, Settings
from ..framework import StackError
from ..timing import EpochClock


def layers():
    """tf_keras's v1 layer classes. TensorFlow reads the switch when tf.keras is first touched."""
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import tensorflow as tf

    try:
        v1 = tf.compat.v1.keras.layers
        found = v1.CuDNNLSTM.__module__
    except (ImportError, AttributeError) as error:
        raise StackError(f"the keras2 stack needs tf_keras (pip install tf-keras): {error}") from error
    if not found.startswith("tf_keras"):
        raise StackError(f"tf.compat.v1.keras is not tf_keras here ({found}): tf.keras was used before the stack")
    return v1


def build_model(spec: ModelSpec, maxlen: int):
    """The notebook's model: `<RNN>(50, input_shape=(300, 1), return_sequences=True)`,
    `<RNN>(1)`, `Activation('sigmoid')`, compiled with 'adam' and binary cross-entropy."""
    import tf_keras

    rnn = getattr(layers(), spec.name)  # the article's class names: LSTM, GRU, CuDNNLSTM, CuDNNGRU
    model = tf_keras.Sequential(
        [
            rnn(50, input_shape=(maxlen, 1), return_sequences=True),
            rnn(1, return_sequences=False),
            tf_keras.layers.Activation("sigmoid"),
        ],
        name=spec.name,
    )
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def fresh_model(spec: ModelSpec, settings: Settings):
    import tf_keras

    tf_keras.backend.clear_session()
    tf_keras.utils.set_random_seed(settings.seed)
    return build_model(spec, settings.maxlen)


def layer_record(spec: ModelSpec, settings: Settings) -> dict:
    """Read back from a built model: tf_keras's defaults are what the notebook got."""
    return layer_config(fresh_model(spec, settings))


def layer_config(model) -> dict:
    """The first recurrent layer's class and the defaults that decide its computation, as built."""
    layer = model.layers[0]
    config = layer.get_config()
    record = {"class": f"{type(layer).__module__}.{type(layer).__name__}"}
    for key in ("recurrent_activation", "implementation", "reset_after"):
        if key in config:
            record[key] = config[key]
    optimizer = f"{type(model.optimizer).__name__}(epsilon={model.optimizer.epsilon:g})"
    return record | {"optimizer": optimizer, "parameters": model.count_params()}


# TensorFlow has GPU kernels only for the CuDNN classes' op.
NO_CUDNN = {"No OpKernel was registered to support Op 'CudnnRNN": "TensorFlow has no kernel for its CudnnRNN op here"}


def recorded_settings() -> dict:
    """tf_keras's version: the Keras 2 the models were built with."""
    import tf_keras

    return {"tf_keras": tf_keras.__version__}


class Feed:
    """fit()'s input as fit() builds it from the arrays (tf_keras's TensorLikeDataAdapter: shuffled
    indices, gathered batches, prefetch(AUTOTUNE), the same ops), but with its iterator held by the run
    until the clock has stopped: destroying it waits for tf.data's autotune thread to wake, up to a
    minute after training ended (bench/autotune_teardown.py), which would otherwise end every fit() call.
    bench/held_iterator.py measures both ways side by side."""

    def __init__(self, x, y, settings: Settings):
        from tf_keras.src.engine import data_adapter

        adapter = data_adapter.TensorLikeDataAdapter(
            x, y, batch_size=settings.batch_size, epochs=settings.epochs, shuffle=True
        )
        self.steps, self.epochs = settings.steps_per_epoch or adapter.get_size(), settings.epochs
        self.held: list = []
        held, dataset = self.held, adapter.get_dataset()

        class Held(type(dataset)):
            """The dataset as it is, but each iterator fit() makes from it is kept in `held`."""

            def __iter__(self):
                iterator = super().__iter__()
                held.append(iterator)
                return iterator

        dataset.__class__ = Held
        self.dataset = dataset

    def fit_arguments(self) -> dict:
        """The notebook's fit (no validation, no progress bar), on the dataset: the batch size is its own."""
        return {"x": self.dataset, "epochs": self.epochs, "steps_per_epoch": self.steps, "verbose": 0}

    def release(self) -> float:
        """Destroy the iterators fit() made (after the clock): how long that took."""
        start = time.perf_counter()
        self.held.clear()
        return time.perf_counter() - start


def timer(label: str, epochs: int, after: float | None = None) -> EpochClock:
    import tf_keras

    class Keras2Timer(EpochClock, tf_keras.callbacks.Callback):
        """The same epoch and step timer, as a tf_keras callback."""

    return Keras2Timer(label, epochs, after)
