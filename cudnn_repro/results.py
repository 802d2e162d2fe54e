"""The results file: the one contract between the workload and everything that reads it.

It carries a schema name and version (unknown ones are rejected), is checked against the
published JSON Schema (results.schema.json) on every read, is written with sorted keys,
and is replaced atomically after every model run, so an interrupted run leaves every
finished model on disk.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import NotRequired, TypedDict

import jsonschema

from .errors import Failure
from .files import write_json
from .registry import FRAMEWORKS, STACK_FACTS, STACKS

SCHEMA = "cudnn-repro/results"
VERSION = 2  # 2: the container's base recorded; older files are upgraded on load (UPGRADES)
RESULTS_NAME = "results.json"


class ResultsError(Failure):
    """A results file that cannot be read, or cannot be resumed with these settings."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_results(settings: dict, environment: Environment, data: dict) -> ResultsFile:
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "created": now(),
        "settings": settings,
        "environment": environment,
        "data": data,
        "runs": [],
    }


def start_invocation(results: ResultsFile, environment: Environment) -> None:
    """Record the command that is about to add runs, so a resumed file says who made what."""
    results.setdefault("invocations", []).append(
        {
            "command": environment["argv"],
            "started": now(),
            "ended": None,
            "runs_before": len(results["runs"]),
            "packages": environment["packages"],
            "lock": environment["lock"],
            "git": environment["git"],
            "launcher": environment["launcher"],
            "gpu_self_test": environment["gpu_self_test"],
        }
    )


# The published format (JSON Schema); load() checks every file against it.
SCHEMA_FILE = Path(__file__).with_name("results.schema.json")


FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value: object) -> bool:
    """What the readers parse (datetime.fromisoformat), with the offset RFC 3339 asks for."""
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@cache
def validator() -> jsonschema.Draft202012Validator:
    """The published schema, its stacks and frameworks those registered here (the package's own, and
    any $CUDNN_REPRO_STACKS adds: a stack tried outside the package writes results all readers check)."""
    schema = json.loads(SCHEMA_FILE.read_text())
    settings = schema["properties"]["settings"]
    settings["properties"]["stack"]["enum"], settings["properties"]["backend"]["enum"] = list(STACKS), list(FRAMEWORKS)
    settings["allOf"] = []
    for name, stack in STACK_FACTS.items():  # what a stack's runs record beyond the common settings
        for key, meaning in stack.recorded_settings.items():
            settings["properties"][key] = {"type": "string", "description": meaning}
        if stack.recorded_settings:
            settings["allOf"].append(
                {"if": {"properties": {"stack": {"const": name}}, "required": ["stack"]},
                 "then": {"required": list(stack.recorded_settings)}}
            )  # fmt: skip
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


def finite(text: str) -> float:
    """JSON numbers only: NaN, Infinity and overflowing literals (1e999) are refused as they are read."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


class RunSettings(TypedDict):
    """settings: what the run was asked to do (Settings.to_dict, plus what ran it)."""

    profile: str
    train_samples: int
    test_samples: int
    epochs: int
    batch_size: int
    maxlen: int
    num_words: int
    steps_per_epoch: int | None  # None: every batch
    models: list[str]
    repeats: int
    max_repeats: NotRequired[int | None]  # the stopping rule's most (absent or None: a fixed count)
    backend: str  # the framework: a key of stacks.json's frameworks
    stack: str  # a key of stacks.json's stacks (its recorded_settings follow these, where it has any)
    math: str
    data: str
    seed: int
    tf32: bool | None  # None: not controlled (files from before the option)
    jit_compile: bool


class Run(TypedDict):
    """runs[i]: one model's fit, or why it did not run. ok runs carry the timing keys."""

    model: str
    repeat: int
    status: str  # ok, not_run or invalid
    layer: dict
    reason: NotRequired[str]
    fit_seconds: NotRequired[float]  # the whole fit() call
    teardown_seconds: NotRequired[float]  # of it, from the end of training to fit() returning
    collected_seconds: NotRequired[float]  # garbage collected before the fit, off its clock
    released_seconds: NotRequired[float]  # what the feed held past fit() released, after the clock
    peak_rss_bytes: NotRequired[int]  # the workload process's peak resident memory so far (ru_maxrss)
    load_average: NotRequired[list[float]]  # the host's (1, 5, 15 min) at the fit's end
    epoch_seconds: NotRequired[list[float]]
    step_seconds: NotRequired[list[float | None]]
    epoch_setup_seconds: NotRequired[list[float]]
    test_accuracy: NotRequired[float]
    test_loss: NotRequired[float]
    parameters: NotRequired[int]
    provenance: NotRequired[dict]
    telemetry: NotRequired[dict]


class Container(TypedDict):
    """environment.container: where the workload ran (the image and its base, when this package started it)."""

    in_container: bool
    image_id: str | None
    image_digest: str | None
    image_base: str | None  # None: not recorded (a version 1 file) or no image of this package
    image_base_pinned: bool | None
    host_command: NotRequired[str | None]


class Environment(TypedDict):
    """environment: the machine and software a run set ran on, as the workload collected it."""

    argv: list[str]
    python: str
    platform: str
    packages: dict[str, str]
    backend: dict
    cpu: dict
    gpu: dict
    git: dict
    container: Container
    lock: NotRequired[dict]
    load_average: NotRequired[list[float]]
    variables: NotRequired[dict[str, str]]
    launcher: NotRequired[dict[str, str]]
    gpu_self_test: NotRequired[dict]


class ResultsFile(TypedDict):
    """A results file as load() returns it: checked against the schema, upgraded to the current shape."""

    schema: str
    version: int
    created: str
    updated: NotRequired[str]
    settings: RunSettings
    environment: Environment
    data: dict
    runs: list[Run]
    stopping: NotRequired[dict]  # the stopping rule's looks and why the run stopped (judge/stopping.py)
    invocations: NotRequired[list[dict]]


def load(path: Path) -> ResultsFile:
    """A results file that can be trusted, or ResultsError saying why not: a bad value in it
    must never become a verdict."""
    try:
        results = json.loads(Path(path).read_text(), parse_float=finite, parse_constant=refuse_constant)
    except (OSError, ValueError) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ResultsError(f"cannot read results file {path}: {error}") from error
    except RecursionError:
        raise ResultsError(f"cannot read results file {path}: nested too deeply to be a results file") from None
    readable = (*UPGRADES, VERSION)
    if not isinstance(results, dict) or results.get("schema") != SCHEMA or results.get("version") not in readable:
        found = (results.get("schema"), results.get("version")) if isinstance(results, dict) else type(results).__name__
        versions = " or ".join(map(str, readable))
        raise ResultsError(f"{path} is not a {SCHEMA} file of version {versions} (found {found!r})")
    error = jsonschema.exceptions.best_match(validator().iter_errors(results))
    if error is not None:
        where = "/".join(map(str, error.absolute_path)) or "the top level"
        raise ResultsError(f"{path} does not match {SCHEMA_FILE.name} at {where}: {error.message}")
    problems = run_problems(results)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ResultsError(f"{path}: {problems[0]}{more}; this file cannot be judged")
    while results["version"] != VERSION:  # step by step, as asv's update_to_2 and pyperf's _json_load
        UPGRADES[results["version"]](results)
    return results


def update_to_2(results: dict) -> None:
    """v1 -> v2: the settings older v1 files lack get what their absence meant, and the base the
    image was built on is unknown (v1 did not record it)."""
    old_settings = {
        "stack": "keras3",  # before --stack, every run was Keras 3
        "steps_per_epoch": None,  # before the quick profile, every batch of the training set
        "tf32": None,  # before --tf32, TF32 was not controlled: the backend's default applied
    }
    container = results["environment"]["container"]
    results["settings"] = old_settings | results["settings"]
    results["environment"]["container"] = {"image_base": None, "image_base_pinned": None} | container
    results["version"] = 2


UPGRADES = {1: update_to_2}  # a version -> what turns its file into the next version's


def compared_fit_seconds(run: Run) -> float:
    """The fit time the verdicts compare: the whole fit() call, the article's metric. (For a while it left
    out the teardown after training, tf.data's wait for its autotune thread, which the keras2 stack now
    keeps past the clock: measure/stacks/keras2.py's Feed. A report shows any verdict that leaving a
    recorded teardown out would change: judge/analysis.py's without_teardown.)"""
    return run["fit_seconds"]


# Clock reads of one fit are taken in order, so a record's parts can only exceed its whole by rounding.
CLOCK_SLACK = 1e-6


def most_repeats(settings: RunSettings) -> int:
    """The most repeats a run set may make: the stopping rule's most, else its fixed count."""
    return settings.get("max_repeats") or settings["repeats"]


def run_problems(results: ResultsFile) -> list[str]:
    """What the schema cannot say of the records (it has checked each field alone), each naming its
    record: a model and repeat twice or not asked for, a fit whose parts exceed it, a look at more
    repeats than were run."""
    settings, runs = results["settings"], results["runs"]
    problems, seen = [], set()
    most = most_repeats(settings)
    for run in runs:
        key = (run["model"], run["repeat"])
        name = f"{run['model']} run {run['repeat']}"
        if key in seen:
            problems.append(f"{name} appears twice")
        seen.add(key)
        if run["model"] not in settings["models"] or not 0 <= run["repeat"] < most:
            problems.append(f"{name} is not one its settings asked for")
        if run["status"] == "ok":
            problems += [f"{name}: {problem}" for problem in fit_problems(run)]
            if len(run["epoch_seconds"]) != settings["epochs"]:
                problems.append(f"{name}: {len(run['epoch_seconds'])} epoch times for {settings['epochs']} epochs")
    done = 1 + max((r["repeat"] for r in runs), default=-1)
    for look in results.get("stopping", {}).get("looks", []):
        if not 0 < look["repeats"] <= min(done, most):
            problems.append(f"the stopping rule's look after {look['repeats']} repeats, but {done} were run")
    return problems


def fit_problems(run: Run) -> list[str]:
    """A fit's parts against its whole: every epoch and the teardown happen inside the fit() call."""
    fit, epochs, teardown = run["fit_seconds"], run["epoch_seconds"], run.get("teardown_seconds", 0.0)
    problems = []
    if teardown > fit:
        problems.append(f"teardown_seconds {teardown:g} exceeds fit_seconds {fit:g}")
    elif sum(epochs) + teardown > fit + CLOCK_SLACK:
        problems.append(f"its epochs ({sum(epochs):g} s) and teardown ({teardown:g} s) exceed fit_seconds {fit:g}")
    for key in ("step_seconds", "epoch_setup_seconds"):
        if key in run and len(run[key]) != len(epochs):
            problems.append(f"{len(run[key])} {key} for {len(epochs)} epochs")
    return problems


def save(results: ResultsFile, path: Path) -> None:
    """Stamp and write atomically: a crash or a full disk leaves the previous file whole."""
    results["updated"] = now()
    if results.get("invocations"):
        results["invocations"][-1]["ended"] = results["updated"]
    write_json(results, path)
