"""The part of docs/stacks.md that stacks.json owns: each stack as the `--stack` help, the headline
and every report describe it, so that the page cannot drift from them. `make docs` rewrites it;
tests/test_docs.py fails when the page and the file differ."""

import json
import re

from ..judge.claims import load_article
from ..registry import PLAIN_KERNELS, STACK_FACTS, StackFacts
from .markdown import Generated

PAGE = Generated(
    "<!-- generated from cudnn_repro/stacks.json by `make docs`; edit that file, not this block -->",
    "<!-- end generated -->",
)
FIELD = re.compile(r"\{(\w+)\}")  # a template's field, filled from the results file in a report


def template(text: str) -> str:
    return FIELD.sub(r"‹\1›", text)


def stack_text(facts: StackFacts) -> str:
    names = ", ".join(f"`{f}`" for f in facts.frameworks)
    framework = names if len(facts.frameworks) == 1 else f"the one `KERAS_BACKEND` names ({names})"
    math = f"`{facts.math}`, fixed: {facts.math_why}" if facts.math else "chosen by `--math`"
    parameters = facts.parameters_why or "as Keras 2.0.9's"
    article_kernel = PLAIN_KERNELS[load_article().plain_kernel].short
    kinds = set(facts.plain_kernels.values())
    kernel = (
        PLAIN_KERNELS[kinds.pop()].name
        if len(kinds) == 1
        else "; ".join(f"on `{framework}`, {PLAIN_KERNELS[k].name}" for framework, k in facts.plain_kernels.items())
    )
    lines = [
        f"### `{facts.key}`: {template(facts.name)}",
        "",
        f"- `--stack {facts.key}`: {facts.summary}.",
        f"- Computes on {framework}; math {math}.",
        f"- Parameter counts: {parameters}.",
        f"- The plain `LSTM`/`GRU` run {kernel} (the article's: a {article_kernel}).",
        "- Every report lists these deviations from the article:",
    ]
    for d in facts.deviations:
        condition = ", ".join(f"`{key}` {json.dumps(value)}" for key, value in d.when.items())
        lines.append(f"  - {f'(with {condition}) ' if condition else ''}{template(d.text)}")
    return "\n".join(lines)


def stacks_text() -> str:
    body = "\n\n".join(stack_text(facts) for facts in STACK_FACTS.values())
    return f"‹field›: filled from the results file in a report.\n\n{body}"
