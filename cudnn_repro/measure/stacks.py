"""One interface over the three stacks: a fresh seeded model, its epoch timer, its layer record.

A stack's module is imported only when that stack runs: the torch stack loads neither Keras nor
TensorFlow, and the Keras stacks no PyTorch. Every model answers Keras' fit, evaluate,
train_on_batch and count_params.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..settings import ModelSpec, Settings
from .timing import EpochClock

MODULES = {"keras2": "keras2", "keras3": "keras3", "torch": "pytorch"}


def module(stack: str) -> ModuleType:
    return importlib.import_module(f".{MODULES[stack]}", __package__)


def fresh_model(spec: ModelSpec, settings: Settings):
    """A new model of the run's stack, seeded with the run's seed."""
    return module(settings.stack).fresh_model(spec, settings)


def timer(settings: Settings, label: str, epochs: int, after: float | None = None) -> EpochClock:
    return module(settings.stack).timer(label, epochs, after)


def layer_record(spec: ModelSpec, settings: Settings) -> dict:
    """How the recurrent layers are configured, as the results file records it."""
    return module(settings.stack).layer_record(spec, settings)
