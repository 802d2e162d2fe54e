"""The article's figures and claims, read from claims.json (data, not constants)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CLAIMS_FILE = Path(__file__).with_name("claims.json")


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    numerator: str
    denominator: str
    article_ratio: float
    low: float | None
    high: float | None
    why: str

    def accepts(self, ratio: float) -> bool:
        return (self.low is None or ratio >= self.low) and (self.high is None or ratio <= self.high)

    def band(self) -> str:
        if self.high is None:
            return f"> {self.low:g}"
        return f"{self.low:g} to {self.high:g}"


@dataclass(frozen=True)
class Article:
    source: dict
    size: dict
    fit_seconds: dict[str, float]
    test_accuracy_pct: dict[str, float]
    keras2_parameters: dict[str, int]  # each model's trainable parameters in Keras 2.0.9
    claims: tuple[Claim, ...]


@cache
def load_article(path: Path = CLAIMS_FILE) -> Article:
    raw = json.loads(path.read_text())
    claims = tuple(
        Claim(
            id=c["id"],
            text=c["text"],
            numerator=c["numerator"],
            denominator=c["denominator"],
            article_ratio=c["article_ratio"],
            low=c["accept"]["low"],
            high=c["accept"]["high"],
            why=c["why"],
        )
        for c in raw["claims"]
    )
    return Article(
        source=raw["source"],
        size=raw["article_size"],
        fit_seconds=raw["article_fit_seconds"],
        test_accuracy_pct=raw["notebook_test_accuracy_pct"],
        keras2_parameters=raw["keras_2_0_9_parameters"],
        claims=claims,
    )
