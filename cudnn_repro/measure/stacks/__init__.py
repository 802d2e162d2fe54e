"""One interface over the stacks: a fresh seeded model, its epoch timer, its layer record.

A stack is a module (registered in stacks.json) that answers the Stack protocol below. It is
imported only when that stack runs: the torch stack loads neither Keras nor TensorFlow, and the
Keras stacks no PyTorch. Every model answers Keras' fit, evaluate, train_on_batch and count_params.
"""

from __future__ import annotations

import importlib
from typing import Protocol, cast

from ...registry import STACK_FACTS
from ...settings import ModelSpec, Settings
from ..timing import ArrayFeed, EpochClock


class Stack(Protocol):
    # The words its layers fail with when they find no cuDNN kernel, and the reason a report gives
    # ({framework}: the framework's key); such a model is "not run", never timed.
    NO_CUDNN: dict[str, str]

    def fresh_model(self, spec: ModelSpec, settings: Settings):
        """A new model, seeded with the run's seed."""

    def timer(self, label: str, epochs: int, after: float | None = None) -> EpochClock:
        """The epoch clock, as a callback its models call."""

    def layer_record(self, spec: ModelSpec, settings: Settings) -> dict:
        """How the recurrent layers are configured, as the results file records it."""

    def recorded_settings(self) -> dict:
        """What the run's settings record beyond Settings (a resumed run must match it)."""


def load(stack: str) -> Stack:
    return cast(Stack, importlib.import_module(STACK_FACTS[stack].module))


def fresh_model(spec: ModelSpec, settings: Settings):
    return load(settings.stack).fresh_model(spec, settings)


def timer(settings: Settings, label: str, epochs: int, after: float | None = None) -> EpochClock:
    return load(settings.stack).timer(label, epochs, after)


def layer_record(spec: ModelSpec, settings: Settings) -> dict:
    return load(settings.stack).layer_record(spec, settings)


def feed(settings: Settings, data) -> ArrayFeed:
    """fit()'s input: the stack's own Feed where it defines one (keras2: tf_keras's pipeline with its
    iterator held past the clock), else the arrays as the notebook passed them."""
    return getattr(load(settings.stack), "Feed", ArrayFeed)(data.x_train, data.y_train, settings)


def no_cudnn(settings: Settings, error: Exception, framework: str) -> str | None:
    """Why a model failed, when the failure is the stack's words for a missing cuDNN kernel, or None."""
    words = load(settings.stack).NO_CUDNN
    return next((why.format(framework=framework) for text, why in words.items() if text in str(error)), None)
