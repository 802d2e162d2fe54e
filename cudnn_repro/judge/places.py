"""Where a run set ran, as the claims care about it, and which of several run sets is the most direct
evidence for a claim.

The article's claims are bound by nature to a kind of hardware (cuDNN needs a GPU; an absolute time
holds on the article's GPU class) and to a kind of plain kernel (its LSTM/GRU stepped through the
sequence in a compiled graph loop). A place is therefore the device and the stack, with the kind of
kernel the stack's plain layers run (stacks.json), and a reader's question is where each claim holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..results import ResultsFile
from ..settings import FRAMEWORK_NAMES, PLAIN_KERNELS, STACK_FACTS, batches_per_epoch
from .claims import Article, Claim
from .stats import Estimate

CPU = "CPU"


@dataclass(frozen=True)
class Place:
    device: str  # the GPU's name, or CPU
    stack: str  # the stack's headline name, with its framework
    kernel: str  # the kind of kernel its plain LSTM/GRU run: a key of stacks.json's plain_kernels

    @property
    def gpu(self) -> bool:
        return self.device != CPU

    @property
    def kernel_name(self) -> str:
        return PLAIN_KERNELS[self.kernel]["name"]

    @property
    def kernel_short(self) -> str:
        return PLAIN_KERNELS[self.kernel]["short"]

    def __str__(self) -> str:
        return f"{self.device}, {self.stack}"


def stack_name(results: ResultsFile) -> str:
    """The stack as headlines name it ('Keras 3 on PyTorch'), from stacks.json."""
    s = results["settings"]
    return STACK_FACTS[s["stack"]]["name"].format(framework=FRAMEWORK_NAMES.get(s["backend"], s["backend"]))


def plain_kernel(results: ResultsFile) -> str:
    """The kind of kernel the stack's plain layers run: one kind, or one per framework (stacks.json)."""
    s = results["settings"]
    kind = STACK_FACTS[s["stack"]]["plain_kernel"]
    return kind if isinstance(kind, str) else kind[s["backend"]]


def place_of(results: ResultsFile) -> Place:
    gpu = results["environment"]["gpu"]
    return Place(gpu["name"] if gpu.get("present") else CPU, stack_name(results), plain_kernel(results))


def kernel_matters(claim: Claim) -> bool:
    """A claim about a plain model depends on the plain kernel's kind; one about cuDNN models alone does not."""
    return bool(claim.plain_models)


def article_kind(place: Place, claim: Claim, article: Article) -> bool:
    """The place runs the claim's plain models as the article did (or the claim has none)."""
    return not kernel_matters(claim) or place.kernel == article.plain_kernel


def size_share(results: ResultsFile, article: Article) -> float:
    """How much of the article's training the runs did (1: all of it), for ranking predicted sets."""
    s, size = results["settings"], article.size
    steps = s["steps_per_epoch"] or batches_per_epoch(s["train_samples"], s["batch_size"])
    article_steps = batches_per_epoch(size["train_samples"], size["batch_size"])
    return min(1.0, steps * s["epochs"] / (article_steps * size["epochs"]))


def width(e: Estimate | None) -> float:
    """The interval's width on the log scale; infinite when there is none (fewer than 3 runs)."""
    if e is None or not e.interval:
        return math.inf
    low, high = e.bounds
    return math.log(high / low)
