"""The four models: the article's architecture, with the kernel and the math explicit."""

import numpy as np
import pytest

from cudnn_repro.measure.stacks.keras3 import build_model, keras2_hard_sigmoid, layer_config, recurrent_kwargs
from cudnn_repro.settings import SPECS


def test_keras2_hard_sigmoid_is_the_2017_formula():
    x = np.array([-5.0, -2.5, 0.0, 1.0, 2.5, 5.0], dtype="float32")
    assert np.allclose(np.asarray(keras2_hard_sigmoid(x)), [0.0, 0.0, 0.5, 0.7, 1.0, 1.0])


def test_article_math_keeps_2017_defaults_for_the_plain_pair():
    assert recurrent_kwargs(SPECS["GRU"], "article") == {
        "recurrent_activation": keras2_hard_sigmoid,
        "implementation": 1,  # Keras 2.0.9's default: one matmul per gate
        "reset_after": False,
        "use_cudnn": False,
    }
    assert recurrent_kwargs(SPECS["LSTM"], "article")["implementation"] == 1
    assert recurrent_kwargs(SPECS["CuDNNGRU"], "article") == {
        "recurrent_activation": "sigmoid",
        "reset_after": True,
        "use_cudnn": True,
    }


def test_matched_math_differs_only_in_the_kernel():
    for cell in ("LSTM", "GRU"):
        plain = recurrent_kwargs(SPECS[cell], "matched")
        cudnn = recurrent_kwargs(SPECS[f"CuDNN{cell}"], "matched")
        assert plain | {"use_cudnn": True} == cudnn


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_architecture_is_the_articles(name):
    model = build_model(SPECS[name], 300, "article", jit_compile=False)
    first, second, activation = model.layers
    assert (first.units, first.return_sequences, second.units, second.return_sequences) == (50, True, 1, False)
    assert first.use_cudnn is False and activation.activation.__name__ == "sigmoid"
    assert first.cell.implementation == second.cell.implementation == 1
    assert model.output_shape == (None, 1)
    assert layer_config(SPECS[name], "article")["recurrent_activation"].startswith("keras2_hard_sigmoid")


@pytest.mark.parametrize(
    ("name", "parameters", "defaults"),
    [
        ("LSTM", 10608, {"recurrent_activation": "hard_sigmoid", "implementation": 1}),
        ("GRU", 7956, {"recurrent_activation": "hard_sigmoid", "implementation": 1, "reset_after": False}),
        ("CuDNNLSTM", 10812, {}),  # two biases per gate, as in 2017
        ("CuDNNGRU", 8109, {}),
    ],
)
def test_keras2_stack_builds_the_articles_own_classes(name, parameters, defaults):
    from cudnn_repro.measure.stacks import keras2

    model = keras2.build_model(SPECS[name], 300)
    record = keras2.layer_config(model)
    assert record["class"].startswith("tf_keras.") and record["class"].endswith(f".{name}")
    assert record["parameters"] == model.count_params() == parameters
    assert record | defaults == record  # the 2017 defaults, untouched
    assert model.output_shape == (None, 1) and model.layers[0].units == 50
