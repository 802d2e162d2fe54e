"""The claims table: the answer per claim at one look, for SUMMARY.md's top and README's first screen.

It is formatted from a summary record (summary.json, as `compare` writes it), so the front page's copy
can be regenerated and checked from the committed file alone: one row per claim with the article's
value, the answer across places, where it holds or fails (the place and its most direct run set),
where no run set could judge it, and where it was never tried.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..judge.claims import Article, load_article
from ..judge.outcomes import CONFLICTING, NOT_APPLICABLE, NOT_REPRODUCED, NOT_VERIFIABLE, REPRODUCED, UNDECIDED, rank
from ..registry import PLAIN_KERNELS
from .formats import article_value, claim_value
from .markdown import Generated, Markdown, bold, code, escape, table

DECIDED = (REPRODUCED, NOT_REPRODUCED, CONFLICTING)  # a place's outcomes that say where a claim holds or fails
# Where the front page holds its copy, between these markers.
FRONT_PAGE = Generated("<!-- claims: generated from paper/summary.json by `make docs` -->", "<!-- end claims -->")


def evidence_text(claim, place: dict) -> Markdown:
    """'`paper`, 1.24x measured, 3 runs': the place's most direct run set, as reconcile chose it."""
    evidence = next(r for r in place["run_sets"] if r["run_set"] == place["evidence"])
    value = "" if evidence["value"] is None else f", {claim_value(claim, evidence['value'])} {evidence['basis']}"
    runs = f", {evidence['n']} run{'s' if evidence['n'] != 1 else ''}" if evidence["n"] else ""
    return Markdown(f"{code(place['evidence'])}{escape(value)}{runs}")


def judged_place(claim, place: dict) -> Markdown:
    """'**reproduced** on CPU, tf_keras (Keras 2) on TensorFlow: `paper`, 1.24x measured, 3 runs'."""
    where = f"{bold(place['outcome'])} on {escape(place['device'])}, {escape(place['stack'])}"
    return Markdown(f"{where}: {evidence_text(claim, place)}")


def undecided(claim, places: list[dict]) -> Markdown:
    """'CPU (3 stacks), NVIDIA H200 (1 stack); first: `paper`, 1.14x measured, 3 runs' (the first in
    reconcile's order), or '-'."""
    if not places:
        return Markdown("-")
    return Markdown(f"{counted(places)}; first: {evidence_text(claim, places[0])}")


def counted(places: list[dict]) -> Markdown:
    """'CPU (2 stacks), NVIDIA H200 (1 stack)': places of one outcome, by device."""
    devices: dict[str, int] = {}
    for p in places:
        devices[p["device"]] = devices.get(p["device"], 0) + 1
    return Markdown(", ".join(f"{escape(d)} ({n} stack{'s' if n != 1 else ''})" for d, n in devices.items()) or "-")


def untried_text(untried: dict, article: Article) -> str:
    if untried["device"] == article.gpu:
        return f"the article's {article.gpu}"
    kernel = untried["plain_kernel"]
    return untried["device"] + (f" with a {PLAIN_KERNELS[kernel].short}" if kernel else "")


def claims_table(summary: dict, article: Article) -> str:
    claims = {c.id: c for c in article.claims}
    rows = []
    for record in summary["claims"]:
        claim = claims[record["claim"]]
        places = record["places"]
        decided = [judged_place(claim, p) for p in places if rank(p["outcome"]) in DECIDED]
        rows.append(
            [
                escape(claim.short),
                article_value(claim),
                bold(record["outcome"]),
                Markdown("; ".join(decided) or "nowhere yet"),
                undecided(claim, [p for p in places if p["outcome"] == UNDECIDED]),
                counted([p for p in places if p["outcome"] in (NOT_VERIFIABLE, NOT_APPLICABLE)]),
                "; ".join(untried_text(u, article) for u in record["never_tried"]) or "-",
            ]
        )
    headers = [
        "Claim",
        "Article",
        "Answer",
        "Holds or fails (most direct run set)",
        "Undecided on",
        "Cannot be judged on",
        "Never tried on",
    ]
    return table(rows, headers)


def front_page_table(summary_path: Path) -> str:
    """The front page's claims table, as the summary record gives it."""
    return claims_table(json.loads(summary_path.read_text()), load_article())
