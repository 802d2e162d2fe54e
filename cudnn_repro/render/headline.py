"""The plain sentence per claim that opens every REPORT.md and SUMMARY.md.

It formats what analysis and reconcile decided: the outcome and which way a claim missed, the
value and its basis, the machine, the stack, the number of runs, and the main confound.
"""

from __future__ import annotations

from ..judge.analysis import NOT_VERIFIABLE, Analysis, Verdict
from ..judge.claims import RatioClaim
from ..judge.reconcile import DEPENDS, Judged, Reconciled
from ..results import ResultsFile
from ..settings import FRAMEWORK_NAMES, STACK_FACTS
from .markdown import Markdown, bold, code, escape


def machine(results: ResultsFile) -> str:
    env = results["environment"]
    return env["gpu"]["name"] if env["gpu"].get("present") else f"{env['cpu']['model']} (no GPU)"


def stack(results: ResultsFile) -> str:
    s = results["settings"]
    framework = FRAMEWORK_NAMES.get(s["backend"], s["backend"])
    return STACK_FACTS[s["stack"]]["name"].format(framework=framework)


def value_text(v: Verdict) -> str:
    e = v.estimate
    return f"{e.point:.2f}x" if isinstance(v.claim, RatioClaim) else f"{e.point:.1f} s"


def evidence(v: Verdict, analysis: Analysis, results: ResultsFile) -> Markdown:
    """'152.03x predicted on NVIDIA H200 with Keras 3 on PyTorch (3 runs; main confound: ...)'."""
    if v.verdict == NOT_VERIFIABLE or v.estimate is None:
        return escape(v.detail)
    runs = f"{v.estimate.n} run{'s' if v.estimate.n != 1 else ''}" + ("" if v.firm else ": indicative")
    confound = f"; main confound: {v.confounds[0]}" if v.confounds else ""
    return Markdown(
        f"{value_text(v)} {escape(str(analysis.basis))} on {escape(machine(results))} with {escape(stack(results))} "
        f"({runs}{escape(confound)})"
    )


def report_lines(analysis: Analysis, results: ResultsFile) -> list[str]:
    """REPORT.md's headline: one sentence per claim."""
    return [f"- {escape(v.claim.short)}: {bold(v.label)}: {evidence(v, analysis, results)}." for v in analysis.verdicts]


def summary_line(r: Reconciled, by_name: dict[str, tuple[Analysis, dict]]) -> str:
    """SUMMARY.md's headline for one claim: the reconciled outcome, what it rests on, what was set aside."""
    counted = len(r.counted)
    if r.firm and r.outcome != DEPENDS:
        rests = f"on every counted run set that judged it firmly ({len(r.firm)} of {counted})"
    elif r.firm:
        rests = "; ".join(f"{code(j.run_set)}: {escape(j.verdict.outcome)}" for j in r.firm)
    elif r.judged:
        rests = f"none of the {counted} counted run set(s) judged it firmly"
    else:
        rests = f"none of the {counted} counted run set(s) could judge it"
    sentence = f"- {escape(r.claim.short)}: {bold(r.outcome)}: {rests}"
    strongest = max(r.judged, key=lambda j: (j.verdict.firm, j.verdict.estimate.n if j.verdict.estimate else 0),
                    default=None)  # fmt: skip
    if strongest:
        analysis, results = by_name[strongest.run_set]
        v = strongest.verdict
        sentence += f". Strongest evidence: {code(strongest.run_set)}, {escape(v.label)}: "
        sentence += evidence(v, analysis, results)
    elif r.counted:  # why not, from the run set that ran most of the claim's models
        sentence += f" ({escape(max(r.counted, key=lambda j: ran(j, r, by_name)).verdict.detail)})"
    if r.set_aside:
        aside = ", ".join(code(name) for name, _ in r.set_aside)
        sentence += f". Set aside, not counted (superseded method, see below): {aside}"
    return sentence + "."


def ran(j: Judged, r: Reconciled, by_name: dict[str, tuple[Analysis, dict]]) -> int:
    """How many of the claim's models ran on a run set."""
    models = by_name[j.run_set][0].models
    return sum(bool(models[name].ok_runs) for name in r.claim.models if name in models)
