"""verdicts.json beside every report, and the exit status `report --check` gives.

The exit status lets CI or an evaluator's script act on the verdicts, as asv and
pytest-benchmark do for regressions.
"""

from __future__ import annotations

import json
from pathlib import Path

from .analysis import NOT_REPRODUCED, REPRODUCED, Analysis
from .claims import Article
from .results import write_atomically

VERDICTS_NAME = "verdicts.json"
SCHEMA = "cudnn-repro/verdicts"
VERSION = 1
# report --check: every claim reproduced / some claim not reproduced (firmly) /
# none refuted, but some inconclusive, indicative or not verifiable. Errors exit 1.
ALL_REPRODUCED, SOME_NOT_REPRODUCED, UNDECIDED = 0, 4, 5


def records(analysis: Analysis, article: Article) -> dict:
    claims = []
    for v in analysis.verdicts:
        e = v.estimate
        claims.append(
            {
                "claim": v.claim.id,
                "text": v.claim.text,
                "derived": v.claim.derived,
                "article_value": v.claim.article_value,
                "accepted": v.claim.band(),
                "basis": analysis.basis,
                "method": analysis.method,
                "value": None if e is None else e.point,
                "low": None if e is None else e.low,
                "high": None if e is None else e.high,
                "interval": None if e is None else e.method,
                "n": None if e is None else e.n,
                "steady_step_ratio": None if v.step_ratio is None else v.step_ratio.point,
                "verdict": v.verdict,
                "firm": v.firm,
                "detail": v.detail,
            }
        )
    return {"schema": SCHEMA, "version": VERSION, "claims_version": article.version, "claims": claims}


def write(analysis: Analysis, article: Article, out_dir: Path) -> Path:
    path = out_dir / VERDICTS_NAME
    write_atomically(path, json.dumps(records(analysis, article), indent=1, sort_keys=True) + "\n")
    return path


def exit_status(analysis: Analysis) -> int:
    if any(v.verdict == NOT_REPRODUCED and v.firm for v in analysis.verdicts):
        return SOME_NOT_REPRODUCED
    if all(v.verdict == REPRODUCED and v.firm for v in analysis.verdicts):
        return ALL_REPRODUCED
    return UNDECIDED
