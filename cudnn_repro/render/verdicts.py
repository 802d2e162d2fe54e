"""verdicts.json beside every report: the verdicts as a script reads them."""

from __future__ import annotations

from pathlib import Path

from ..files import write_json
from ..judge.claims import Article
from ..judge.findings import Analysis
from ..judge.stats import LEVEL, estimate_record

VERDICTS_NAME = "verdicts.json"
SCHEMA = "cudnn-repro/verdicts"
# 2: the verdict "not applicable" (a hardware-bound claim on other hardware, with its time), and the place.
# 3: "firm" (which meant: 3 runs or more, even for an inconclusive verdict) is "indicative" (fewer: a range,
# not an interval) and "decided" (a firm answer: reproduced or not, from an interval). An older file is
# upgraded by rendering it again from its results: `reproduce.py report results.json`.
# 4: each claim's "direction" (which way a claim that was not reproduced missed: larger or smaller than claimed,
# or a tie) and its interval's "level" (per look, under a stopping rule) beside the "coverage" all looks give.
VERSION = 4


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
                "basis": str(analysis.basis),
                "method": analysis.basis.how,
                **estimate_record(e),
                "interval": None if e is None else e.method,
                "level": None if e is None or not e.interval else e.level,
                "coverage": None if e is None or not e.interval else LEVEL,
                "steady_step_ratio": None if v.step_ratio is None else v.step_ratio.point,
                "verdict": v.verdict,
                "direction": v.direction,
                "indicative": v.indicative,
                "decided": v.decided,
                "detail": v.detail,
            }
        )
    place = analysis.place
    where = {"device": place.device, "stack": place.stack, "plain_kernel": place.kernel}
    return {"schema": SCHEMA, "version": VERSION, "claims_version": article.version, "place": where, "claims": claims}


def write(analysis: Analysis, article: Article, out_dir: Path) -> Path:
    path = out_dir / VERDICTS_NAME
    write_json(records(analysis, article), path)
    return path
