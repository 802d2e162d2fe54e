"""Forest plots (PNG): each claim's value per run set against the accepted range as the verdict uses it.

summary.png has a panel per claim, a row per run set grouped by place (as reconcile ordered them),
set-aside run sets greyed below a line; a run set's figure.png has the same panels with its one row,
and names the models that did not run. The bands are the claims' own accepted() and refuted()
ranges, the margin applied, so a point inside the green band is exactly what the judge calls
inside. Everything drawn was decided by judge/; this module only places it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from textwrap import shorten

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from ..files import write_atomically
from ..judge.claims import ACCEPTED, Claim, RatioClaim
from ..judge.findings import MEASURED, Analysis, Judged, Reconciled, Verdict
from ..judge.outcomes import NOT_APPLICABLE, NOT_REPRODUCED, REPRODUCED
from ..judge.stats import interval_label
from .formats import claim_value

GREEN, RED, ORANGE, PURPLE, GREY, LIGHT = "#1a7f37", "#cf222e", "#bc4c00", "#8250df", "#57606a", "#afb8c1"
ROW_INCHES = 0.28
GAP_INCHES = 0.85  # between panels: one's axis label and the next one's title
FOOTER_INCHES = 0.18


def colour(v: Verdict) -> str:
    """The verdict's colour: decided ones green or red, an indicative one purple, the rest orange or grey."""
    if v.verdict == NOT_APPLICABLE:
        return GREY
    if v.verdict in (REPRODUCED, NOT_REPRODUCED):
        return (GREEN if v.verdict == REPRODUCED else RED) if not v.indicative else PURPLE
    return ORANGE


@dataclass
class Row:
    label: str
    verdict: Verdict | None = None  # None: a heading (a place, or the set-aside line)
    outcome: str = ""  # a place heading's outcome, beside it
    measured: bool = False
    grey: bool = False
    note: str = ""  # beside the verdict: why a run set is set aside


def plain(text: str) -> str:
    """Foreign text (a folder's or a GPU's name, a reason) as matplotlib text, never mathtext."""
    return text.replace("$", r"\$")


def value_label(claim: Claim) -> str:
    if isinstance(claim, RatioClaim):
        return f"{claim.numerator} / {claim.denominator}, fit-time ratio (log)"
    return f"{claim.model} fit time at the article's size, s (log)"


def run_set_label(j: Judged) -> str:
    e = j.verdict.estimate
    return f"{j.run_set}: {j.analysis.basis.kind}, {e.n} run{'s' if e.n != 1 else ''}"


def summary_rows(r: Reconciled) -> list[Row]:
    """The claim's run sets with a value, under their place's heading; the set-aside ones last."""
    rows = []
    for p in r.places:
        valued = [j for j in p.judged if j.verdict.estimate is not None]
        if valued:
            kernel = f" ({p.place.kernel_short})" if r.claim.kernel_matters else ""
            rows.append(Row(f"{p.place.device}, {p.place.stack}{kernel}", outcome=f"place: {p.outcome}"))
            rows += [Row(run_set_label(j), j.verdict, measured=j.analysis.basis.kind == MEASURED) for j in valued]
    aside = [(j, why) for j, why in r.set_aside if j.verdict.estimate is not None]
    if aside:
        rows.append(Row("set aside, not counted (superseded method)", grey=True))
        for j, why in aside:
            measured = j.analysis.basis.kind == MEASURED
            note = "; ".join(reason.split(", ")[0] for reason in why)  # each reason's first clause
            rows.append(Row(run_set_label(j), j.verdict, measured=measured, grey=True, note=note))
    return rows


def verdict_text(row: Row) -> str:
    v = row.verdict
    if row.grey:
        return f"{claim_value(v.claim, v.estimate.point)}: {shorten(row.note, 75)}"
    return f"{v.label}: {claim_value(v.claim, v.estimate.point)}"


def draw_panel(ax, claim: Claim, rows: list[Row]) -> None:
    values = [v for row in rows if row.verdict for v in row.verdict.estimate.bounds]
    edges = [e for low, high, _ in claim.zones() for e in (low, high) if e is not None]
    span = values + edges + [claim.article_value]
    left, right = min(span) / 1.6, max(span) * 1.6
    for low, high, what in claim.zones():
        if what == ACCEPTED:
            ax.axvspan(low or left, high or right, color=GREEN, alpha=0.18, lw=0)
        else:
            ax.axvspan(low or left, high or right, facecolor=LIGHT, alpha=0.35, lw=0, hatch="//")
    ax.axvline(claim.article_value, color=GREY, linestyle="--", lw=1)
    for y, row in enumerate(rows):
        if row.verdict is None:
            ax.axhline(y, color=GREY if row.grey else LIGHT, lw=0.6)
            ax.text(1.01, y, plain(row.outcome), transform=ax.get_yaxis_transform(), va="center", fontsize=7,
                    fontweight="bold")  # fmt: skip
            continue
        e, c = row.verdict.estimate, LIGHT if row.grey else colour(row.verdict)
        low, high = e.bounds
        style = "-" if e.interval else ":"
        if high > low:
            ax.plot([low, high], [y, y], color=c, linestyle=style, lw=2 if e.interval else 1.5)
        ax.plot([e.point], [y], marker="o" if row.measured else "s", color=c,
                markerfacecolor=c if row.measured else "white")  # fmt: skip
        ax.text(1.01, y, plain(verdict_text(row)), transform=ax.get_yaxis_transform(), va="center", fontsize=7, color=c)
    ax.set_xscale("log")
    ax.set_xlim(left, right)
    ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)), [plain(row.label) for row in rows], fontsize=7)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        tick.set_fontweight("bold" if row.verdict is None else "normal")
        tick.set_color(GREY if row.grey else "black")
    ax.tick_params(axis="y", length=0)
    ax.set_title(f"{claim.text} (article {claim.article_value:g}; accepted {claim.band()})", fontsize=8, loc="left")
    ax.set_xlabel(value_label(claim), fontsize=7)
    ax.tick_params(axis="x", labelsize=7)


def legend(levels: set[float]) -> list:
    """The key, the interval's line labelled by the levels the rows drawn have (per look under a stopping rule)."""
    interval = " or ".join(interval_label(level) for level in sorted(levels)) or "t-interval"
    return [Line2D([], [], color=GREY, marker="o", lw=2, label=f"measured; line: {interval} (3+ runs)"), *KEY]


KEY = [
    Line2D([], [], color=GREY, marker="s", markerfacecolor="white", linestyle=":",
           label="predicted; dotted: range of 1-2 runs"),
    Patch(color=GREEN, alpha=0.18, label="accepted range (margin applied)"),
    Patch(facecolor=LIGHT, alpha=0.35, hatch="//", label="the margin: a tie when wholly inside"),
    Line2D([], [], color=GREY, linestyle="--", label="article's value"),
    Patch(color=GREEN, label="reproduced"), Patch(color=RED, label="not reproduced"),
    Patch(color=ORANGE, label="inconclusive"), Patch(color=PURPLE, label="indicative (1-2 runs)"),
    Patch(color=GREY, label="not applicable (hardware-bound)"),
]  # fmt: skip


def forest(panels: list[tuple[Claim, list[Row]]], title: str, footer: list[str], path: Path) -> Path | None:
    """One panel per claim with rows; None when no claim has a value to draw."""
    panels = [(claim, rows) for claim, rows in panels if any(row.verdict for row in rows)]
    if not panels:
        return None
    heights = [ROW_INCHES * (len(rows) + 0.6) for _, rows in panels]  # each panel's axes, in inches
    top, bottom = 1.2, 0.5 + FOOTER_INCHES * len(footer)  # the title and legend; the last axis label, the footer
    tall = sum(heights) + GAP_INCHES * (len(panels) - 1) + top + bottom
    fig, axes = plt.subplots(len(panels), 1, figsize=(12, tall), squeeze=False,
                             gridspec_kw={"height_ratios": heights})  # fmt: skip
    for ax, (claim, rows) in zip(axes[:, 0], panels, strict=True):
        draw_panel(ax, claim, rows)
    fig.suptitle(plain(title), fontsize=9, x=0.01, y=1 - 0.08 / tall, ha="left", va="top")
    levels = {r.verdict.estimate.level for _, rows in panels for r in rows
              if r.verdict and r.verdict.estimate and r.verdict.estimate.interval}  # fmt: skip
    fig.legend(handles=legend(levels), loc="upper center", ncol=5, fontsize=6.5, frameon=False,
               bbox_to_anchor=(0.5, 1 - 0.38 / tall))  # fmt: skip
    for i, line in enumerate(footer):
        y = (0.1 + FOOTER_INCHES * (len(footer) - 1 - i)) / tall
        fig.text(0.01, y, plain(shorten(line, 190)), fontsize=7, color=GREY)
    fig.subplots_adjust(left=0.3, right=0.64, top=1 - top / tall, bottom=bottom / tall,
                        hspace=GAP_INCHES / (sum(heights) / len(heights)))  # fmt: skip
    save_figure(fig, path)
    return path


def plot_summary(reconciled: list[Reconciled], path: Path) -> Path | None:
    """summary.png: every claim's run sets by place."""
    title = "Each claim per run set, grouped by place (device, stack, plain kernel); the most direct evidence first"
    return forest([(r.claim, summary_rows(r)) for r in reconciled], title, [], path)


def plot_run_set(analysis: Analysis, name: str, path: Path) -> Path | None:
    """figure.png: this run set's value for each claim it could judge, and what it could not."""
    place = analysis.place
    measured = analysis.basis.kind == MEASURED
    rows = [(v.claim, [Row(run_set_label(Judged(name, v, analysis)), v, measured=measured)] if v.estimate else [])
            for v in analysis.verdicts]  # fmt: skip
    why: dict[str, list[str]] = {}
    for model, summary in analysis.models.items():
        if summary.unavailable:
            why.setdefault(summary.unavailable, []).append(model)
    not_run = [f"{', '.join(models)} ({reason})" for reason, models in why.items()]
    unjudged = [f"{v.claim.short}: {v.label}" for v in analysis.verdicts if v.estimate is None]
    footer = ([f"No time for {'; '.join(not_run)}"] if not_run else []) + (
        [f"Not drawn: {'; '.join(unjudged)}"] if unjudged else []
    )
    title = f"{place.device}, {place.stack} (plain kernel: {place.kernel_short}): each claim against its accepted range"
    return forest(rows, title, footer, path)


def save_figure(fig, path: Path) -> None:
    """Rendered in memory, then written atomically: a full disk leaves no truncated PNG."""
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100)
    plt.close(fig)
    write_atomically(path, png.getvalue())
