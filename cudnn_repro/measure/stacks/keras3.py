"""The keras3 stack: the article's four models in Keras 3, with the kernel choice made explicit.

Keras 2.0.9 `LSTM`/`GRU` -> Keras 3 `use_cudnn=False`; `CuDNNLSTM`/`CuDNNGRU` ->
`use_cudnn=True`. Never "auto": it silently falls back and would fake a cuDNN time.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from ...settings import ADAM_EPSILON, ModelSpec, Settings
from .. import framework
from ..timing import EpochClock

NO_CUDNN = {
    "cuDNN is not supported for this layer configuration": "the Keras {framework} backend has no cuDNN kernel for it"
}


def recorded_settings() -> dict:
    return {}


def keras2_hard_sigmoid(x):
    """Keras 2's hard_sigmoid, clip(0.2x + 0.5, 0, 1); Keras 3's is relu6(x + 3) / 6."""
    return ops.clip(0.2 * x + 0.5, 0.0, 1.0)


def recurrent_kwargs(spec: ModelSpec, math: str) -> dict:
    """Layer options for one model. cuDNN fixes sigmoid gates and GRU reset-after; the
    plain pair keeps the 2017 defaults in "article" mode or copies cuDNN's math in "matched"."""
    if spec.cudnn or math == "matched":
        kwargs = {"recurrent_activation": "sigmoid"}
        if spec.cell == "GRU":
            kwargs["reset_after"] = True
    else:
        # Keras 2.0.9's LSTM and GRU default to implementation=1, one small matmul per gate
        # (keras/layers/recurrent.py at tag 2.0.9, lines 1455 and 1955); Keras 3 defaults to
        # the fused 2, which makes the plain loop cheaper and the cuDNN speedup smaller.
        kwargs = {"recurrent_activation": keras2_hard_sigmoid, "implementation": 1}
        if spec.cell == "GRU":
            kwargs["reset_after"] = False
    return kwargs | {"use_cudnn": spec.cudnn}


def build_model(spec: ModelSpec, maxlen: int, math: str, jit_compile: bool) -> keras.Model:
    rnn = getattr(layers, spec.cell)
    kwargs = recurrent_kwargs(spec, math)
    model = keras.Sequential(
        [
            keras.Input(shape=(maxlen, 1)),
            rnn(50, return_sequences=True, **kwargs),
            rnn(1, return_sequences=False, **kwargs),
            layers.Activation("sigmoid"),
        ],
        name=spec.name,
    )
    model.compile(
        loss="binary_crossentropy",
        optimizer=keras.optimizers.Adam(epsilon=ADAM_EPSILON),
        metrics=["accuracy"],
        jit_compile=jit_compile,
    )
    return model


def layer_config(spec: ModelSpec, math: str) -> dict:
    """The recurrent layer options as they are recorded in the results file."""
    kwargs = recurrent_kwargs(spec, math)
    activation = kwargs["recurrent_activation"]
    if callable(activation):
        kwargs["recurrent_activation"] = "keras2_hard_sigmoid (clip(0.2x+0.5, 0, 1))"
    return kwargs


def fresh_model(spec: ModelSpec, settings: Settings) -> keras.Model:
    keras.backend.clear_session()
    keras.utils.set_random_seed(settings.seed)
    return build_model(spec, settings.maxlen, settings.math, framework.current().JIT_COMPILE)


def layer_record(spec: ModelSpec, settings: Settings) -> dict:
    return layer_config(spec, settings.math)


class EpochTimer(EpochClock, keras.callbacks.Callback):
    """The clock as a Keras 3 callback."""


def timer(label: str, epochs: int, after: float | None = None) -> EpochTimer:
    return EpochTimer(label, epochs, after)
