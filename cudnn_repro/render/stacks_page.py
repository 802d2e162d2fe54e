"""The part of docs/stacks.md that stacks.json owns: each stack as the `--stack` help, the headline
and every report describe it, so that the page cannot drift from them. `make docs` rewrites it;
tests/test_docs.py fails when the page and the file differ."""

import json
import re
import sys
from pathlib import Path

from ..judge.claims import load_article
from ..registry import PLAIN_KERNELS, STACK_FACTS

BEGIN = "<!-- generated from cudnn_repro/stacks.json by `make docs`; edit that file, not this block -->"
END = "<!-- end generated -->"
FIELD = re.compile(r"\{(\w+)\}")  # a template's field, filled from the results file in a report


def template(text: str) -> str:
    return FIELD.sub(r"‹\1›", text)


def stack_text(name: str, facts: dict) -> str:
    names = ", ".join(f"`{f}`" for f in facts["frameworks"])
    framework = names if len(facts["frameworks"]) == 1 else f"the one `KERAS_BACKEND` names ({names})"
    math = f"`{facts['math']}`, fixed: {facts['math_why']}" if facts["math"] else "chosen by `--math`"
    parameters = facts["parameters_why"] or "as Keras 2.0.9's"
    article_kernel = PLAIN_KERNELS[load_article().plain_kernel]["short"]
    kind = facts["plain_kernel"]
    kernel = (
        PLAIN_KERNELS[kind]["name"]
        if isinstance(kind, str)
        else "; ".join(f"on `{framework}`, {PLAIN_KERNELS[k]['name']}" for framework, k in kind.items())
    )
    lines = [
        f"### `{name}`: {template(facts['name'])}",
        "",
        f"- `--stack {name}`: {facts['summary']}.",
        f"- Computes on {framework}; math {math}.",
        f"- Parameter counts: {parameters}.",
        f"- The plain `LSTM`/`GRU` run {kernel} (the article's: a {article_kernel}).",
        "- Every report lists these deviations from the article:",
    ]
    for item in facts["deviations"]:
        text, when = (item, {}) if isinstance(item, str) else (item["text"], item["when"])
        condition = ", ".join(f"`{key}` {json.dumps(value)}" for key, value in when.items())
        lines.append(f"  - {f'(with {condition}) ' if condition else ''}{template(text)}")
    return "\n".join(lines)


def block() -> str:
    body = "\n\n".join(stack_text(name, facts) for name, facts in STACK_FACTS.items())
    return f"{BEGIN}\n‹field›: filled from the results file in a report.\n\n{body}\n{END}"


def rewrite(page: Path) -> None:
    """Replace the generated block of `page`, leaving the rest as written."""
    text = page.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    page.write_text(text[:start] + block() + text[end:])


if __name__ == "__main__":
    rewrite(Path(sys.argv[1]))
