"""Markdown that foreign text cannot break: every report and summary table goes through here.

Results files, task files and run folder names come from other people's machines. Any text
that is not already `Markdown` is escaped when it enters a table or a line: it stays on one
line, in its own cell, and cannot open a heading, a link, emphasis, a code span or HTML.
Text this package writes as Markdown is marked so, built from escaped parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tabulate import tabulate


class Markdown(str):
    """Text already in Markdown, made by this package from escaped parts: passed through as is."""


# Backslash-escaped: table cells (|), the escape itself, code spans, links. (Emphasis from * or _
# cannot break anything; escaping them would clutter every package name.)
PUNCTUATION = re.compile(r"([\\|`\[\]])")
ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: object) -> Markdown:
    """Any text as literal Markdown on one line (Markdown passes through unchanged)."""
    if isinstance(text, Markdown):
        return text
    flat = " ".join(str(text).split())  # newlines, tabs and other whitespace become one space
    flat = PUNCTUATION.sub(r"\\\1", flat)
    flat = re.sub(r"[&<>]", lambda m: ENTITIES[m.group()], flat)
    return Markdown(flat)  # never at a line's start here, so # and - need nothing


def code(text: object) -> Markdown:
    """Text as an inline code span, on one line, with a fence longer than any backtick run in it.
    A code span takes no escapes, so text with a pipe (a table's cell border) or an angle bracket
    (safe in a span, but not to a reader's eye or a naive HTML filter) is escaped text instead."""
    flat = " ".join(str(text).split())
    if "|" in flat or "<" in flat:
        return escape(flat)
    fence = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat else ""
    return Markdown(f"{fence}{pad}{flat}{pad}{fence}")


def bold(text: object) -> Markdown:
    return Markdown(f"**{escape(text)}**")


def join(parts: list, separator: str = ", ") -> Markdown:
    """Parts joined, each escaped unless it is Markdown already."""
    return Markdown(separator.join(escape(p) for p in parts))


def table(rows: list[list], headers: list[str]) -> Markdown:
    """A GitHub table; every cell escaped unless it is Markdown."""
    cells = [[escape(c) for c in row] for row in rows]
    return Markdown(tabulate(cells, headers=[escape(h) for h in headers], tablefmt="github", disable_numparse=True))


@dataclass(frozen=True)
class Generated:
    """A part of a page that `make docs` writes from the files it describes, between two markers; the rest
    of the page is as written. A test holds each part to what it would be written as now."""

    begin: str
    end: str

    def block(self, body: str) -> str:
        return f"{self.begin}\n{body}\n{self.end}"

    def rewrite(self, page: Path, body: str) -> bool:
        """Replace the part on `page`; whether it changed."""
        text = page.read_text()
        start, stop = text.index(self.begin), text.index(self.end) + len(self.end)
        new = text[:start] + self.block(body) + text[stop:]
        if new != text:
            page.write_text(new)
        return new != text
