"""Where a run set ran, as the claims care about it, and which of several run sets is the most direct
evidence for a claim.

The article's claims are bound by nature to a kind of hardware (cuDNN needs a GPU; an absolute time
holds on the article's GPU class) and to a kind of plain kernel (its LSTM/GRU stepped through the
sequence in a compiled graph loop). A place is therefore the device and the stack, with the kind of
kernel the stack's plain layers run (stacks.json), and a reader's question is where each claim holds.
"""

from __future__ import annotations

import math

from .. import registry
from ..registry import STACK_FACTS
from ..results import ResultsFile
from ..settings import batches_per_epoch
from .claims import Article, Claim
from .findings import CPU, Place
from .stats import Estimate


def stack_name(results: ResultsFile) -> str:
    """The stack as headlines name it ('Keras 3 on PyTorch'), from stacks.json."""
    s = results["settings"]
    return registry.stack_name(s["stack"], s["backend"])


def plain_kernel(results: ResultsFile) -> str:
    """The kind of kernel the stack's plain layers run: one kind, or one per framework (stacks.json)."""
    s = results["settings"]
    return STACK_FACTS[s["stack"]].plain_kernel(s["backend"])


def place_of(results: ResultsFile) -> Place:
    gpu = results["environment"]["gpu"]
    return Place(gpu["name"] if gpu.get("present") else CPU, stack_name(results), plain_kernel(results))


def article_kind(place: Place, claim: Claim, article: Article) -> bool:
    """The place runs the claim's plain models as the article did (or the claim has none)."""
    return not claim.kernel_matters or place.kernel == article.plain_kernel


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
