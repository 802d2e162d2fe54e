"""The article's figures and claims, read from claims.json (data, not constants).

The file is versioned, and each verdict records the version it was judged under, so a
report re-rendered after the bands change says so instead of silently judging anew.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import Failure
from ..settings import SPECS

CLAIMS_FILE = Path(__file__).with_name("claims.json")
SCHEMA = "cudnn-repro/claims"
ACCEPTED, MARGIN = "accepted", "margin"  # the zones of a claim's value (Claim.zones)


def plain(models: tuple[str, ...]) -> tuple[str, ...]:
    """The models that run a plain (non-cuDNN) kernel, whose kind a stack decides."""
    return tuple(m for m in models if not SPECS[m].cudnn)


@dataclass(frozen=True)
class RatioClaim:
    """numerator time / denominator time must lie in [low, high], judged with a margin."""

    id: str
    text: str
    short: str  # the headline's name for it
    numerator: str
    denominator: str
    article_value: float
    low: float
    high: float | None
    margin: float  # fractional: the verdict is firm only beyond the band widened or narrowed by it
    derived: str | None = None

    @property
    def models(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def band(self) -> str:
        band = f"> {self.low:g}" if self.high is None else f"{self.low:g} to {self.high:g}"
        return band + (f" (margin {self.margin:.0%})" if self.margin else "")

    @property
    def plain_models(self) -> tuple[str, ...]:
        return plain(self.models)

    @property
    def kernel_matters(self) -> bool:
        """A claim about a plain model depends on the plain kernel's kind; one about cuDNN models alone does not."""
        return bool(self.plain_models)

    def accepted(self) -> tuple[float, float | None]:
        """The band narrowed by the margin: a verdict is "reproduced" only with the whole interval inside."""
        return self.low * (1 + self.margin), None if self.high is None else self.high / (1 + self.margin)

    def refuted(self) -> tuple[float, float | None]:
        """The band widened by the margin: "not reproduced" only with the whole interval below the
        first or above the second."""
        return self.low / (1 + self.margin), None if self.high is None else self.high * (1 + self.margin)

    def tie(self) -> tuple[float, float] | None:
        """For a direction (no upper bound, a margin): the band around a tie that the margin spans. An
        interval wholly inside it is a firm "not reproduced: a tie", as an equivalence test (TOST) says."""
        if self.high is not None or not self.margin:
            return None
        return self.refuted()[0], self.accepted()[0]

    def zones(self) -> list[tuple[float | None, float | None, str]]:
        """(from, to, what) spans of the claim's value the verdict uses, as a figure draws them: accepted
        (margin applied) and the undecidable margins between accepted and refuted. None: the axis' end."""
        low, high = self.accepted()
        refuted_low, refuted_high = self.refuted()
        spans = [(low, high, ACCEPTED)]
        if self.margin:
            spans.append((refuted_low, low, MARGIN))
            if high is not None:
                spans.append((high, refuted_high, MARGIN))
        return spans

    def inside(self, low: float, high: float) -> bool:
        bottom, top = self.accepted()
        return low >= bottom and (top is None or high <= top)

    def outside(self, low: float, high: float) -> bool:
        bottom, top = self.refuted()
        return high < bottom or (top is not None and low > top)


@dataclass(frozen=True)
class TimeClaim:
    """One model's article-size fit time must be below a bound, on the article's GPU class only."""

    id: str
    text: str
    short: str
    model: str
    article_value: float
    below_seconds: float
    derived: str | None = None

    @property
    def models(self) -> tuple[str, ...]:
        return (self.model,)

    @property
    def plain_models(self) -> tuple[str, ...]:
        return plain(self.models)

    @property
    def kernel_matters(self) -> bool:
        """A claim about a plain model depends on the plain kernel's kind; one about cuDNN models alone does not."""
        return bool(self.plain_models)

    def accepted(self) -> tuple[float | None, float]:
        """Below the bound, judged on the article's GPU class only (hardware_bound)."""
        return None, self.below_seconds

    def band(self) -> str:
        return f"< {self.below_seconds:g} s, on the article's GPU class"

    def zones(self) -> list[tuple[float | None, float | None, str]]:
        return [(*self.accepted(), ACCEPTED)]


Claim = RatioClaim | TimeClaim


@dataclass(frozen=True)
class Article:
    version: int
    source: dict
    gpu: str
    gpu_class: tuple[str, ...]
    cpu: str
    software: dict
    plain_kernel: str  # the kind of kernel its plain LSTM/GRU ran: one of stacks.json's plain_kernels
    size: dict
    fit_seconds: dict[str, float]
    keras2_parameters: dict[str, int]  # each model's trainable parameters in Keras 2.0.9
    test_accuracy_pct: dict[str, float]
    evaluate_batch_size: int
    claims: tuple[Claim, ...]

    def hardware(self) -> str:
        return f"{self.gpu}, {self.cpu}"

    def on_its_gpu_class(self, gpu: str | None) -> bool:
        """Whether a GPU (its name; None: no GPU) is of the article's class, where an absolute time holds."""
        return gpu is not None and any(kind in gpu for kind in self.gpu_class)


class ClaimsError(Failure):
    """The claims file is not one this package can read."""


def parse_claim(c: dict) -> Claim:
    common = {"id": c["id"], "text": c["text"], "short": c["short"], "article_value": c["article_value"]}
    common["derived"] = c.get("derived")
    if "model" in c:
        return TimeClaim(model=c["model"], below_seconds=c["accept"]["below_seconds"], **common)
    accept = c["accept"]
    return RatioClaim(
        numerator=c["numerator"],
        denominator=c["denominator"],
        low=accept["low"],
        high=accept["high"],
        margin=accept["margin"],
        **common,
    )


@cache
def load_article(path: Path = CLAIMS_FILE) -> Article:
    raw = json.loads(path.read_text())
    if raw.get("schema") != SCHEMA or not isinstance(raw.get("version"), int):
        raise ClaimsError(f"{path} is not a {SCHEMA} file with an integer version")
    return Article(
        version=raw["version"],
        source=raw["source"],
        gpu=raw["article_gpu"]["name"],
        gpu_class=tuple(raw["article_gpu"]["class"]),
        cpu=raw["article_cpu"],
        software=raw["article_software"],
        plain_kernel=raw["article_plain_kernel"],
        size=raw["article_size"],
        fit_seconds=raw["article_fit_seconds"],
        keras2_parameters=raw["keras_2_0_9_parameters"],
        test_accuracy_pct=raw["notebook_test_accuracy_pct"],
        evaluate_batch_size=raw["notebook_evaluate_batch_size"],
        claims=tuple(parse_claim(c) for c in raw["claims"]),
    )
