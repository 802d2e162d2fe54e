"""The torch stack: the notebook's model in plain PyTorch, each pair on the framework's own kernels.

`nn.LSTM`/`nn.GRU(1, 50)`, then `(50, 1)` on the last step, a sigmoid, binary cross-entropy and
Adam (epsilon 1e-8, as Keras 2.0.9), batch 100. The cuDNN pair runs with cuDNN on
(`aten::_cudnn_rnn`); the plain pair with cuDNN off for that model only, so on a GPU it runs
PyTorch's native fused cell kernels over the time steps (`_thnn_fused_lstm_cell`). Both are
compiled kernels, unlike Keras 3's torch backend, whose plain layers loop over the steps in Python.
The model answers the Keras calls the workload makes (fit, evaluate, train_on_batch, count_params),
with the same callbacks, so the timing loop is the one every stack shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from ...settings import ADAM_EPSILON, ModelSpec, Settings
from ..timing import EpochClock

UNITS = 50  # the notebook's first layer; the second has one unit
NO_GPU = "PyTorch runs cuDNN's RNN only on a CUDA GPU with cuDNN"
NO_CUDNN = {NO_GPU: NO_GPU}


class Net(nn.Module):
    def __init__(self, cell: str):
        super().__init__()
        rnn = {"LSTM": nn.LSTM, "GRU": nn.GRU}[cell]
        self.first = rnn(1, UNITS, batch_first=True)
        self.second = rnn(UNITS, 1, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.first(x)
        hidden, _ = self.second(hidden)
        return torch.sigmoid(hidden[:, -1, :])


class TorchModel:
    """A Net, its optimizer and its kernel choice, driven as Keras drives a model."""

    def __init__(self, spec: ModelSpec, seed: int):
        self.cudnn = spec.cudnn
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.net = Net(spec.cell).to(self.device)
        self.optimizer = torch.optim.Adam(self.net.parameters(), eps=ADAM_EPSILON)
        self.shuffle = torch.Generator().manual_seed(seed)

    @contextmanager
    def kernels(self) -> Iterator[None]:
        """cuDNN on for the cuDNN pair, off for the plain pair: for this model's steps only. A cuDNN
        model off a GPU would run PyTorch's CPU kernels: it never starts."""
        if self.cudnn and not (self.device.type == "cuda" and torch.backends.cudnn.is_available()):
            raise RuntimeError(NO_GPU)
        before = torch.backends.cudnn.enabled
        torch.backends.cudnn.enabled = self.cudnn
        try:
            yield
        finally:
            torch.backends.cudnn.enabled = before

    def batch(self, x: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """One batch to the device, as Keras feeds host arrays a batch at a time."""
        return torch.from_numpy(x).to(self.device), torch.from_numpy(y).to(self.device).reshape(-1, 1)

    def step(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        self.optimizer.zero_grad(set_to_none=True)
        loss = functional.binary_cross_entropy(self.net(x), y)
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def fit(self, x, y, batch_size: int, epochs: int, steps_per_epoch: int | None = None, callbacks=(), verbose=0):
        """Keras' fit: each epoch a fresh shuffle, then `steps_per_epoch` batches (default: all)."""
        self.net.train()
        batches = -(-len(x) // batch_size)
        with self.kernels():
            for epoch in range(epochs):
                for c in callbacks:
                    c.on_epoch_begin(epoch)
                order = torch.randperm(len(x), generator=self.shuffle).numpy()
                loss = torch.zeros(())
                for i in range(steps_per_epoch or batches):
                    for c in callbacks:
                        c.on_train_batch_begin(i)
                    rows = order[i * batch_size : (i + 1) * batch_size]
                    loss = self.step(*self.batch(x[rows], y[rows]))
                for c in callbacks:
                    c.on_epoch_end(epoch, {"loss": loss})  # reading the loss waits for the epoch's work
        for c in callbacks:
            c.on_train_end()

    def evaluate(self, x, y, batch_size: int, verbose=0) -> tuple[float, float]:
        """Mean loss and binary accuracy (threshold 0.5) over the set, as Keras reports them."""
        self.net.eval()
        loss = correct = 0.0
        with self.kernels(), torch.no_grad():
            for start in range(0, len(x), batch_size):
                xb, yb = self.batch(x[start : start + batch_size], y[start : start + batch_size])
                pred = self.net(xb)
                loss += functional.binary_cross_entropy(pred, yb, reduction="sum").item()
                correct += ((pred > 0.5).float() == yb).sum().item()
        self.net.train()
        return loss / len(x), correct / len(x)

    def train_on_batch(self, x, y) -> float:
        with self.kernels():
            return float(self.step(*self.batch(x, y)))

    def count_params(self) -> int:
        return sum(p.numel() for p in self.net.parameters())


def fresh_model(spec: ModelSpec, settings: Settings) -> TorchModel:
    torch.manual_seed(settings.seed)
    return TorchModel(spec, settings.seed)


def layer_record(spec: ModelSpec, settings: Settings) -> dict:
    """What decides the computation: the class, PyTorch's fixed gates, the kernel switch, the optimizer."""
    model = fresh_model(spec, settings)
    record = {"class": f"torch.nn.{spec.cell}", "recurrent_activation": "sigmoid"}
    if spec.cell == "GRU":
        record["reset_after"] = True  # PyTorch applies the reset gate after the recurrent matmul
    return record | {
        "cudnn_enabled": spec.cudnn,
        "optimizer": f"Adam(eps={ADAM_EPSILON:g})",
        "parameters": model.count_params(),
    }


def recorded_settings() -> dict:
    return {}


def timer(label: str, epochs: int, after: float | None = None) -> EpochClock:
    return EpochClock(label, epochs, after)
