"""`make docs`: every generated part of the docs rewritten from the files it describes (stacks.json,
the outcome words, the committed run sets); tests/test_docs.py fails while any part differs."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import ROOT
from . import claims_table, evidence_page, glossary, stacks_page
from .markdown import Generated


def parts(evidence: Path) -> list[tuple[Path, Generated, str]]:
    """(page, part, what it should hold) for every generated part."""
    return [
        (ROOT / "docs" / "stacks.md", stacks_page.PAGE, stacks_page.stacks_text()),
        (ROOT / "docs" / "evidence.md", evidence_page.PAGE, evidence_page.evidence_table(evidence)),
        (ROOT / "README.md", claims_table.FRONT_PAGE, claims_table.front_page_table(evidence / "summary.json")),
        (ROOT / "README.md", glossary.OUTCOMES, glossary.outcomes_text()),
        (ROOT / "README.md", glossary.VERDICTS, glossary.verdicts_text()),
    ]


if __name__ == "__main__":  # make docs: python -m cudnn_repro.render.docs paper
    for page, part, body in parts(Path(sys.argv[1])):
        if part.rewrite(page, body):
            print(f"rewrote {page.relative_to(ROOT)}: {part.begin}")
