"""What the JAX stage's cuDNN LSTM call was asked to compute, for the GPU script's log: the matmul
precision and XLA flags in force, and the cuDNN RNN custom call of one Keras 3 `LSTM(use_cudnn=True)`
training step as XLA lowers it, with its attributes (TF32 allowed or not, the cuDNN RNN settings).

    KERAS_BACKEND=jax python bench/jax_cudnn_call.py
"""

from __future__ import annotations

import os
import re

from cudnn_repro.measure import framework


def main() -> None:
    import jax
    import keras
    import numpy as np

    chosen = framework.load("jax")
    chosen.set_tf32(False)  # as every run by default: the article's GTX 1060 computed full FP32
    print(f"jax {jax.__version__}, keras {keras.__version__}, devices: {[d.device_kind for d in jax.devices()]}")
    print(f"jax_default_matmul_precision: {jax.config.jax_default_matmul_precision}")
    print(f"XLA_FLAGS: {os.environ.get('XLA_FLAGS', '(unset)')}")
    ok, reason = chosen.cuda_status()
    if not ok:
        print(f"cuDNN call: not lowered here ({reason})")
        return
    model = keras.Sequential([keras.Input((300, 1)), keras.layers.LSTM(50, use_cudnn=True), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    x, y = np.zeros((100, 300, 1), "float32"), np.zeros((100, 1), "float32")
    model.train_on_batch(x, y)
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]

    def loss(trainable, non_trainable, x, y):
        pred, _ = model.stateless_call(trainable, non_trainable, x, training=True)
        return ((pred - y) ** 2).mean()

    text = jax.jit(jax.grad(loss)).lower(trainable, non_trainable, x, y).as_text()
    calls = sorted({line.strip() for line in text.splitlines() if re.search(r"custom_call @\S*(cudnn|rnn)", line)})
    print(f"cuDNN RNN custom call(s), {len(calls)}:" if calls else "cuDNN RNN custom call: none in the lowered step")
    for line in calls:
        print(f"  {line[:600]}")


if __name__ == "__main__":
    main()
