"""What judge hands to the formatters (render/): its findings as data, every figure and verdict
already decided. render/ imports from judge only these, the record, the claims, the outcome words and
the statistics' types (an import-linter contract, pyproject.toml); analysis, places, deviations,
reconcile and validation compute them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ..registry import PLAIN_KERNELS
from ..results import ResultsFile
from . import outcomes
from .claims import Claim
from .outcomes import NOT_VERIFIABLE
from .record import Record, Setup
from .stats import Estimate

# An epoch whose start (Keras setting up its data iterator) takes this much longer than the
# run's quickest epoch start, and this share of an epoch: a stall, a named confound of fit times.
STALL_SECONDS = 1.0
STALL_SHARE = 0.05
# A fit() call that waits this long after training (tf.data's teardown) holds a stated deviation.
TEARDOWN_SECONDS = 1.0


@dataclass
class Stall:
    repeat: int
    epoch: int  # 1-based
    seconds: float  # beyond the run's usual epoch start


@dataclass
class ModelSummary:
    name: str
    runs: list[dict]
    unavailable: str | None = None  # why there is no time for this model
    article_size: dict[int, float] = field(default_factory=dict)  # repeat -> article-size fit seconds
    size_estimate: Estimate | None = None  # of the article-size fit, widened when predicted
    fit: Estimate | None = None  # of the measured fit at this run's size
    first_epoch: Estimate | None = None
    steady_epoch: Estimate | None = None
    steady_step: dict[int, float] = field(default_factory=dict)  # repeat -> median step, epochs 2+
    step_estimate: Estimate | None = None
    spread: float | None = None  # (max - min) / median of the measured fits
    stalls: list[Stall] = field(default_factory=list)
    accuracy_pct: float | None = None
    parameters: int | None = None
    throttle_reasons: list[str] = field(default_factory=list)

    @property
    def ok_runs(self) -> list[dict]:
        return [r for r in self.runs if r["status"] == "ok"]

    @property
    def stall_seconds(self) -> float:
        return sum(s.seconds for s in self.stalls)


@dataclass
class Verdict:
    claim: Claim
    verdict: str
    detail: str
    estimate: Estimate | None = None  # of the claim's value (a ratio, or seconds)
    step_ratio: Estimate | None = None  # the steady per-step ratio: the kernels alone
    direction: str | None = None  # LARGER or SMALLER when not reproduced: which way the claim missed
    confounds: list[str] = field(default_factory=list)  # what else could explain this value, main one first

    @property
    def indicative(self) -> bool:
        """Too few runs made the interval a mere range: whatever the verdict, it only indicates."""
        return self.estimate is not None and not self.estimate.interval

    @property
    def decided(self) -> bool:
        return outcomes.is_decided(self.verdict, self.indicative)

    @property
    def outcome(self) -> str:
        return outcomes.outcome_text(self.verdict, self.direction)

    @property
    def label(self) -> str:
        return outcomes.label(self.verdict, self.direction, self.indicative)


# What a warning qualifies: the verdicts (whether they are decided) or the times (what they include).
VERDICTS, TIMES = "verdicts", "times"


@dataclass
class RunWarning:
    kind: str  # a short title shared by every warning of its kind, to group them across run sets
    message: str
    hint: str
    about: str  # VERDICTS or TIMES
    detail: str = ""  # the part that differs between run sets of the same kind, when one does


MEASURED, PREDICTED, UNAVAILABLE = "measured", "predicted", "none"


@dataclass(frozen=True)
class Basis:
    """Where a run set's article-size times come from: measured at the article's size, predicted
    from a shorter run (`method` says how), or unavailable (`method` says why)."""

    kind: str  # MEASURED, PREDICTED or UNAVAILABLE
    method: str
    fit_widening: float = 1.0  # the factor a predicted fit time's interval is widened by (predict.py)
    ratio_widening: float = 1.0  # the factor a predicted ratio's interval is widened by (predict.py)

    @property
    def available(self) -> bool:
        return self.kind != UNAVAILABLE

    @property
    def word(self) -> str:
        """What a table's heading shows: measured, predicted or n/a."""
        return self.kind if self.available else "n/a"

    def __str__(self) -> str:
        """As verdicts.json, the headline and the summary record it: measured, predicted or none: <why>."""
        return self.kind if self.available else f"none: {self.method}"

    @property
    def how(self) -> str:
        """How the article-size times were obtained, in words; none: <why> when they were not."""
        return self.method if self.available else str(self)


SIZE, STEPS, REPEATS, CUT_SHORT, TF32, PARAMETERS, MODELS, DATA, HARDWARE, TEARDOWN = (
    "size", "steps", "repeats", "cut_short", "tf32", "parameters", "models", "data", "hardware", "teardown"
)  # fmt: skip


@dataclass(frozen=True)
class Deviation:
    kind: str  # one of the names above
    here: object = None  # this run's value
    article: object = None  # the article's, where it has one
    about: str = ""  # which setting or model
    facts: dict = field(default_factory=dict)  # anything else its sentence needs


CPU = "CPU"


@dataclass(frozen=True)
class Place:
    device: str  # the GPU's name, or CPU
    stack: str  # the stack's headline name, with its framework
    kernel: str  # the kind of kernel its plain LSTM/GRU run: a key of stacks.json's plain_kernels

    @property
    def gpu(self) -> bool:
        return self.device != CPU

    @property
    def kernel_name(self) -> str:
        return PLAIN_KERNELS[self.kernel].name

    @property
    def kernel_short(self) -> str:
        return PLAIN_KERNELS[self.kernel].short

    def __str__(self) -> str:
        return f"{self.device}, {self.stack}"


@dataclass(frozen=True)
class PeakMemory:
    """The most memory the run set's fits held: host (the workload process's peak resident set) and GPU
    (device memory in use, sampled through NVML); None where the runs did not record it."""

    host_bytes: int | None
    gpu_bytes: int | None


@dataclass(frozen=True)
class AfterTraining:
    """The most any fit() call waited after training (inside its time), and the most a feed held past the
    call took to release (after the clock); None where the runs did not record it."""

    teardown_seconds: float | None
    released_seconds: float | None


@dataclass
class Analysis:
    models: dict[str, ModelSummary]
    basis: Basis
    verdicts: list[Verdict]
    warnings: list[RunWarning]
    run_seconds: float | None  # from the results file's creation to its last save
    place: Place
    level: float  # of its intervals: above 95 % under the stopping rule (judge/stopping.py)
    article_share: float  # how much of the article's training the runs did (1: all of it)
    superseded: list[str] = field(default_factory=list)  # why this run set's method is no longer current
    deviations: list[Deviation] = field(default_factory=list)  # where it departs from the article
    runs_done: dict[str, int] = field(default_factory=dict)  # ok runs per model
    peak_memory: PeakMemory = PeakMemory(None, None)
    after_training: AfterTraining = AfterTraining(None, None)
    # The verdicts had each fit's teardown after training been left out, claim by claim beside `verdicts`,
    # where a fit() call holds one (a stated deviation); empty elsewhere.
    without_teardown: list[Verdict] = field(default_factory=list)
    record: Record | None = None  # what the file says besides the times (None: an analysis made in a test)

    @property
    def moved_by_teardown(self) -> list[tuple[Verdict, Verdict]]:
        """(as judged, without the teardown) of each claim whose outcome the teardown inside fit() changes."""
        return [(v, w) for v, w in zip(self.verdicts, self.without_teardown, strict=True) if v.label != w.label]


# The evidence order, in words, as directness() applies it.
EVIDENCE_ORDER = (
    "the article's kind of plain kernel before another",
    "measured before predicted",
    "more of the article's size before less",
    "a decided verdict before one that is not",
    "the narrower interval",
    "more runs",
)


@dataclass
class Judged:
    run_set: str
    verdict: Verdict
    analysis: Analysis

    @property
    def decided(self) -> bool:
        return self.verdict.decided

    @property
    def tried(self) -> bool:
        """The claim's models ran here (its value was judged, decided or not, or is not applicable)."""
        return self.verdict.verdict != NOT_VERIFIABLE


@dataclass
class PlaceOutcome:
    place: Place
    outcome: str
    judged: list[Judged]  # the place's counted run sets, most direct first

    @property
    def evidence(self) -> Judged:
        """The most direct run set that supports the outcome: a decided one for a decided outcome."""
        supporting = [j for j in self.judged if j.decided and j.verdict.outcome == self.outcome]
        tried = [j for j in self.judged if j.tried]
        return (supporting or tried or self.judged)[0]


@dataclass(frozen=True)
class Untried:
    """Where a claim was never tried that a reader would look first: the article's GPU class, else
    any GPU running the article's kind of plain kernel (kernel None: the claim's kernel does not matter)."""

    device: str  # the article's GPU, or "any GPU"
    kernel: str | None


@dataclass
class Reconciled:
    claim: Claim
    outcome: str  # the decided outcome shared by every place that has one, or the others
    places: list[PlaceOutcome]
    never_tried: list[Untried]
    set_aside: list[tuple[Judged, list[str]]]  # a run set not counted, and why its method is superseded

    @property
    def counted(self) -> list[Judged]:
        return [j for p in self.places for j in p.judged]

    @property
    def decided(self) -> list[Judged]:
        return [j for j in self.counted if j.decided]


@dataclass
class ValidationRow:
    model: str
    predicted: Estimate
    measured: Estimate
    error: float  # predicted / measured - 1, of the geometric means
    noise: float | None  # the standard error of the measured runs' log mean (None: fewer than 3 runs)

    @property
    def charged(self) -> float:
        """The error beyond the reference's own noise, which the predictor is held to: the log error less
        one standard error of the reference's mean, 0 within it; the whole error where the reference's
        noise is unknown (fewer than 3 runs)."""
        if self.noise is None:
            return self.error
        log_error = math.log1p(self.error)
        return math.expm1(math.copysign(max(0.0, abs(log_error) - self.noise), log_error))


@dataclass
class Validation:
    """A quick run's predictions against an article-size run's measurements, with the aims they are held to."""

    rows: list[ValidationRow]
    ratios: list[ValidationRow]  # each ratio claim's ratio both sides ran, named numerator/denominator
    quick_seconds: float | None
    full_seconds: float | None
    quick_settings: Setup
    quick_runs: dict[str, int]  # ok runs per model of the quick run
    target_error: float  # the aim for a predicted fit's error
    target_share: float  # the aim for the quick run's share of the full run's time

    @property
    def share(self) -> float | None:
        if self.quick_seconds is None or not self.full_seconds:
            return None
        return self.quick_seconds / self.full_seconds


@dataclass
class RunSet:
    """One results file of a summary, judged as its own REPORT.md judges it."""

    name: str  # the results file's folder, relative to where the summary is written
    path: Path  # the results file, resolved
    results: ResultsFile
    analysis: Analysis

    @property
    def record(self) -> Record:
        assert self.analysis.record is not None
        return self.analysis.record


@dataclass
class ValidatedPair:
    """A (quick, paper) pair the predictor was validated on, by run set name."""

    machine: str
    quick: str
    paper: str
    validation: Validation
    unlike: str | None  # why it does not compare like with like (then it is shown, not counted), or None


@dataclass
class Summary:
    """Every run set of a summary, each claim reconciled across them, and the predictor's validation."""

    sets: list[RunSet]
    missing: list[tuple[str, str]]  # a run folder that should be here and is not, and why
    reconciled: list[Reconciled]
    validations: list[ValidatedPair]
    validated_error: float  # the predictor's, that widens every predicted fit time's interval
    validated_ratio_error: float  # the predictor's, of a ratio, that widens every predicted ratio's interval
    exit_status: int  # `compare --check`'s, over every claim
