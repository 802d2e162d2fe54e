"""What qualifies a run set's verdicts and times (RunWarning): too few runs, noisy fits and their
known cause, stalls, a throttled GPU, packages off the lock, a superseded method's leftovers."""

from __future__ import annotations

from ..results import Environment, ResultsFile
from ..settings import SYNTHETIC_NOTE
from . import stats
from .findings import PREDICTED, TIMES, VERDICTS, Basis, ModelSummary, RunWarning


def collect_warnings(
    results: ResultsFile, models: dict[str, ModelSummary], basis: Basis, set_aside: list[str]
) -> list[RunWarning]:
    warnings = []
    if results["data"]["source"] == "synthetic":
        warnings.append(
            RunWarning(
                "Synthetic data",
                f"The data is {SYNTHETIC_NOTE}.",
                "Put the real imdb.npz in the Keras cache or pass --imdb-path.",
                TIMES,
            )
        )
    git = results["environment"]["git"]
    if git.get("dirty"):
        warnings.append(
            RunWarning(
                "Uncommitted changes",
                f"Made from a checkout with uncommitted changes ({git.get('commit', '?')[:7]} plus changes, as its "
                "record says): the code that ran is no commit's exactly.",
                "Make it again from a clean clone.",
                TIMES,
                f"{git.get('commit', '?')[:7]} plus changes",
            )
        )
    if basis.kind == PREDICTED:
        warnings.append(
            RunWarning(
                "Predicted times",
                "Verdicts use article-size times predicted from a short run, not measured.",
                "Run --profile paper for a measured verdict.",
                VERDICTS,
            )
        )
    for reason in set_aside:
        warnings.append(
            RunWarning(
                "Superseded method",
                f"Superseded method: {reason}; a summary lists this run set but does not count it.",
                "Rerun with the current package.",
                VERDICTS,
            )
        )
    if results["settings"]["tf32"] is None:
        warnings.append(
            RunWarning(
                "TF32 not controlled",
                "TF32 was not controlled (a results file from before the option): on Ampere and newer GPUs "
                "the backend's default applied.",
                "Rerun with the current package (TF32 off by default).",
                TIMES,
            )
        )
    warnings += lock_warnings(results["environment"])
    for m in models.values():
        warnings += model_warnings(m)
    done = min((len(m.ok_runs) for m in models.values() if m.ok_runs), default=0)
    if 0 < done < stats.MIN_RUNS:
        warnings.append(
            RunWarning(
                "Too few runs",
                f"{done} run(s) of some model: below {stats.MIN_RUNS}, ratios get a range, not an interval, "
                "and verdicts are only indicative.",
                f"Add --repeats {stats.MIN_RUNS} or more.",
                VERDICTS,
                f"{done} run(s)",
            )
        )
    return warnings


def lock_warnings(environment: Environment) -> list[RunWarning]:
    """Whether the packages that ran are the locked ones."""
    lock = environment.get("lock")
    if lock is None:
        return [
            RunWarning(
                "Packages not checked against the locks",
                "The packages were not checked against the lock files (a results file from before the check).",
                "The environment section lists the versions that ran.",
                TIMES,
            )
        ]
    if lock["differs"]:
        differs = ", ".join(f"{k} {v}" for k, v in sorted(lock["differs"].items()))
        return [
            RunWarning(
                "Ad hoc environment",
                f"Ad hoc environment: the packages differ from {lock['file']} ({differs}).",
                "Run in the pinned image (`make reproduce`) for a locked environment.",
                TIMES,
                differs,
            )
        ]
    return []


def model_warnings(m: ModelSummary) -> list[RunWarning]:
    """What qualifies one model's times: noise, stalls, a throttled GPU."""
    out = []
    if m.spread is not None and m.spread >= stats.NOISY_SPREAD:
        loads = [r["load_average"][0] for r in m.ok_runs if r.get("load_average")]
        seen = f" Load average (1 min) at each fit's end: {', '.join(f'{x:g}' for x in loads)}." if loads else ""
        out.append(
            RunWarning(
                "Noisy fits",
                f"{m.name}: fit times spread {m.spread:.0%} of their median; the machine was noisy.{seen}",
                "Close other work, fix the GPU clocks, or add --repeats.",
                TIMES,
                f"{m.name} {m.spread:.0%}",
            )
        )
    if m.stalls:
        total = m.stall_seconds
        out.append(
            RunWarning(
                "Epoch-start stalls",
                f"{m.name}: {len(m.stalls)} epoch-start stall(s), {total:.1f} s in all "
                f"({min(s.seconds for s in m.stalls):.1f}-{max(s.seconds for s in m.stalls):.1f} s "
                "each), inside the fit times.",
                "The steady per-step ratio beside each verdict is free of them.",
                TIMES,
                f"{m.name} {len(m.stalls)}, {total:.1f} s",
            )
        )
    if m.throttle_reasons:
        out.append(
            RunWarning(
                "GPU throttled",
                f"{m.name}: the GPU throttled during the fit ({', '.join(m.throttle_reasons)}).",
                "Its time is slower than the GPU's unthrottled speed; check cooling and power limits.",
                TIMES,
                f"{m.name}: {', '.join(m.throttle_reasons)}",
            )
        )
    return out
