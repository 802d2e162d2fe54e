"""A stack defined outside the package (measure/stacks/'s Stack protocol): the four models as a NumPy
logistic regression on each review's mean word id, which its loop steps through in Python.
Registered by tests/fixtures/toy-stacks.json; its cuDNN models are "not run" (NumPy has no GPU)."""

from __future__ import annotations

import numpy as np

from cudnn_repro.measure.timing import EpochClock

NO_CUDNN: dict[str, str] = {}


class ToyModel:
    """Two weights fitted by gradient descent, driven as Keras drives a model."""

    def __init__(self, seed: int):
        self.w = np.random.default_rng(seed).normal(size=2)

    def _predict(self, x: np.ndarray) -> np.ndarray:
        feature = x.reshape(len(x), -1).mean(axis=1) / 1000.0
        return 1 / (1 + np.exp(-(self.w[0] * feature + self.w[1])))

    def train_on_batch(self, x, y) -> float:
        feature = x.reshape(len(x), -1).mean(axis=1) / 1000.0
        p = self._predict(x)
        self.w -= 0.1 * np.array([np.mean((p - y) * feature), np.mean(p - y)])
        return float(np.mean(-(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7))))

    def fit(self, x, y, batch_size: int, epochs: int, steps_per_epoch: int | None = None, callbacks=(), verbose=0):
        batches = -(-len(x) // batch_size)
        for epoch in range(epochs):
            for c in callbacks:
                c.on_epoch_begin(epoch)
            loss = 0.0
            for i in range(steps_per_epoch or batches):
                for c in callbacks:
                    c.on_train_batch_begin(i)
                loss = self.train_on_batch(
                    x[i * batch_size : (i + 1) * batch_size], y[i * batch_size : (i + 1) * batch_size]
                )
            for c in callbacks:
                c.on_epoch_end(epoch, {"loss": loss})
        for c in callbacks:
            c.on_train_end()

    def evaluate(self, x, y, batch_size: int, verbose=0) -> tuple[float, float]:
        p = self._predict(x)
        loss = float(np.mean(-(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7))))
        return loss, float(np.mean((p > 0.5) == y))

    def count_params(self) -> int:
        return 2


def fresh_model(spec, settings) -> ToyModel:
    if spec.cudnn:
        raise AssertionError("a cuDNN model of the toy stack is never built: NumPy has no GPU")
    return ToyModel(settings.seed)


def timer(label: str, epochs: int, after: float | None = None) -> EpochClock:
    return EpochClock(label, epochs, after)


def layer_record(spec, settings) -> dict:
    return {"class": "toy_stack.ToyModel", "parameters": 2}


def recorded_settings() -> dict:
    return {}
