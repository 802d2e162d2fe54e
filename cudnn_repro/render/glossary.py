"""README's definitions of the answers, written from judge/outcomes.py's meanings so that the page and
the code cannot use a word two ways."""

from __future__ import annotations

from ..errors import MEANINGS
from ..judge.outcomes import OUTCOME_WORDS, VERDICT_WORDS, Word
from .markdown import Generated

OUTCOMES = Generated("<!-- outcomes: generated from cudnn_repro/judge/outcomes.py by `make docs` -->",
                     "<!-- end outcomes -->")  # fmt: skip
VERDICTS = Generated("<!-- verdicts: generated from cudnn_repro/judge/outcomes.py by `make docs` -->",
                     "<!-- end verdicts -->")  # fmt: skip


def words_text(words: tuple[Word, ...]) -> str:
    """Each word in bold, what it means, and the `--check` exit status it gives."""
    return "\n".join(f"- **{w.word}**: {w.meaning} (`--check`: {w.check}, {short(w.check)})." for w in words)


def short(status: int) -> str:
    """An exit code's meaning up to its first bracket or colon: 'done', 'some claim decided not reproduced'."""
    text = MEANINGS[status].split(" (")[0]
    return text.split(": ", 1)[-1].replace("`", "")


def outcomes_text() -> str:
    return words_text(OUTCOME_WORDS)


def verdicts_text() -> str:
    return words_text(VERDICT_WORDS)
