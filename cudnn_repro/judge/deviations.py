"""Where a run set departs from the article, found from its results: records that render/ words.

Only what varies from run to run is detected here (sizes, repeats, TF32, parameter counts, the
models that ran, the data, the hardware); what a stack always differs by is the stack's own
description, in the report.
"""

from __future__ import annotations

from ..results import ResultsFile
from ..settings import batches_per_epoch
from .claims import Article
from .findings import (
    CUT_SHORT,
    DATA,
    HARDWARE,
    MODELS,
    PARAMETERS,
    REPEATS,
    SIZE,
    STEPS,
    TEARDOWN,
    TEARDOWN_SECONDS,
    TF32,
    Deviation,
)

# The sizes a run may change, in the order a report lists them.
SIZE_KEYS = ("train_samples", "test_samples", "epochs", "batch_size", "maxlen", "num_words")


def deviations(
    results: ResultsFile, parameters: dict[str, int | None], done: dict[str, int], article: Article
) -> list[Deviation]:
    """`done`: the runs that finished per model, in the order the models first ran (from the file,
    never from the plan)."""
    s, env = results["settings"], results["environment"]
    out = [Deviation(SIZE, s[k], article.size[k], k) for k in SIZE_KEYS if s[k] != article.size[k]]
    if s["steps_per_epoch"]:
        all_steps = batches_per_epoch(article.size["train_samples"], article.size["batch_size"])
        out.append(Deviation(STEPS, s["steps_per_epoch"], all_steps))
    if max(done.values(), default=0) > 1 or s["repeats"] > 1:
        state = results.get("stopping")  # the rule's looks (repeats, undecided claims) and why it stopped
        looks = [(look["repeats"], look["undecided"]) for look in state["looks"]] if state else None
        rule = {"most": s.get("max_repeats"), "looks": looks, "stopped": state.get("stopped") if state else None}
        out.append(Deviation(REPEATS, done, 1, facts={"planned": s["repeats"]} | rule))
    planned = s["repeats"] * len(s["models"])
    if len(results["runs"]) < planned:
        out.append(Deviation(CUT_SHORT, len(results["runs"]), planned))
    if s["tf32"] is not False:
        out.append(Deviation(TF32, s["tf32"]))  # None: not controlled; True: allowed
    for name, count in parameters.items():
        if count is not None and count != article.keras2_parameters[name]:
            out.append(Deviation(PARAMETERS, count, article.keras2_parameters[name], name))
    out.append(Deviation(MODELS, list(done), len(article.fit_seconds)))
    most: dict[str, float] = {}  # the longest wait after training inside any fit() call of each model
    for r in results["runs"]:
        if r.get("teardown_seconds", 0.0) >= TEARDOWN_SECONDS:
            most[r["model"]] = max(most.get(r["model"], 0.0), r["teardown_seconds"])
    if most:
        out.append(Deviation(TEARDOWN, most))
    if results["data"]["source"] == "synthetic":
        out.append(Deviation(DATA, results["data"]["note"]))
    gpu = env["gpu"]
    out.append(Deviation(HARDWARE, gpu["name"] if gpu.get("present") else None, facts={"cpu": env["cpu"]["model"]}))
    return out
