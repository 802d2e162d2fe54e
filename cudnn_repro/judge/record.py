"""What a results file says about its run set besides the times, read once into types: the settings a
report quotes, the machine, the software, where it ran, the commands, the data. Judge hands it to
render with the analysis (Analysis.record), so no page indexes the results dict; a new field of the
results file is read here, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..results import Container, ResultsFile, Run, RunSettings
from ..variables import RUNTIME_ENV


@dataclass(frozen=True)
class Setup:
    """What the run was asked to do (results.RunSettings, typed): what ran, its size, its computation."""

    stack: str
    backend: str
    profile: str
    models: tuple[str, ...]
    repeats: int
    max_repeats: int | None
    train_samples: int
    test_samples: int
    epochs: int
    steps_per_epoch: int | None  # None: every batch
    batch_size: int
    maxlen: int
    num_words: int
    data: str | None  # None: files from before the option
    seed: int
    math: str
    tf32: bool | None  # None: not controlled (files from before the option)
    jit_compile: bool
    values: Mapping[str, object]  # every setting as recorded, the stack's own too (its deviations test them)


def setup_of(settings: RunSettings) -> Setup:
    s = dict(settings)
    return Setup(
        profile=s["profile"], train_samples=s["train_samples"], test_samples=s["test_samples"], epochs=s["epochs"],
        batch_size=s["batch_size"], maxlen=s["maxlen"], num_words=s["num_words"],
        steps_per_epoch=s["steps_per_epoch"], models=tuple(s["models"]), repeats=s["repeats"],
        max_repeats=s.get("max_repeats"), backend=s["backend"], stack=s["stack"], math=s["math"], data=s.get("data"),
        seed=s["seed"], tf32=s["tf32"], jit_compile=s["jit_compile"], values=s,
    )  # fmt: skip


@dataclass(frozen=True)
class Provenance:
    """Which recurrent kernel a fit's model ran, as the framework recorded one training step."""

    method: str
    ran_cudnn: bool
    cudnn_ops: Mapping[str, int]
    loop_ops: Mapping[str, int]


@dataclass(frozen=True)
class Spread:
    min: float
    median: float
    max: float


@dataclass(frozen=True)
class Telemetry:
    """What NVML saw during one fit."""

    samples: int
    sm_clock_mhz: Spread
    temperature_c: Spread
    power_w: Spread
    utilization_pct: Spread
    throttle_reasons: tuple[str, ...]


@dataclass(frozen=True)
class Fit:
    """One finished fit's record besides its times."""

    model: str
    repeat: int  # 0-based
    provenance: Provenance | None
    telemetry: Telemetry | None  # None: no samples (`telemetry_reason` says why, where recorded)
    telemetry_reason: str | None


def fit_of(run: Run) -> Fit:
    p, t = run.get("provenance"), run.get("telemetry", {})
    provenance = Provenance(p["method"], p["ran_cudnn"], p["cudnn_ops"], p["loop_ops"]) if p else None
    telemetry = None
    if t.get("samples"):
        spread = {k: Spread(t[k]["min"], t[k]["median"], t[k]["max"])
                  for k in ("sm_clock_mhz", "temperature_c", "power_w", "utilization_pct")}  # fmt: skip
        telemetry = Telemetry(t["samples"], **spread, throttle_reasons=tuple(t["throttle_reasons"]))
    return Fit(run["model"], run["repeat"], provenance, telemetry, t.get("reason"))


@dataclass(frozen=True)
class Cpu:
    model: str
    logical_cores: int
    usable_cores: int | None
    governor: str | None
    mhz: float | None


@dataclass(frozen=True)
class Gpu:
    """The GPU a run used, or why there was none (`reason`)."""

    present: bool
    name: str | None = None
    count: int | None = None
    selected: str | int = "0"  # its CUDA_VISIBLE_DEVICES entry
    memory_gib: float | None = None
    driver: str | None = None
    driver_cuda: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Image:
    """Where the workload ran: this package's image (id, digest, base), another container, or the host."""

    in_container: bool
    image_id: str | None
    image_digest: str | None
    base: str | None  # None: not recorded, or no image of this package
    base_pinned: bool | None  # None: not compared with the pinned one


@dataclass(frozen=True)
class Invocation:
    command: tuple[str, ...]
    started: str
    ended: str | None
    runs_before: int


@dataclass(frozen=True)
class Data:
    note: str
    path: str | None
    sha256: str | None
    seed: int | None
    x_train_shape: list
    x_test_shape: list


@dataclass(frozen=True)
class Record:
    settings: Setup
    created: str
    updated: str | None  # when a run last saved it (None: never after its creation)
    python: str
    platform: str
    packages: Mapping[str, str]
    lock: Mapping | None  # None: not checked (files from before the check)
    load_average: tuple[float, ...]
    variables: Mapping[str, str] | None  # None: not recorded
    launcher: Mapping[str, str]  # what a Slurm task recorded of its job and runtime
    backend_build: Mapping[str, object]
    tf32_flags: Mapping[str, object]
    commit: str | None
    dirty: bool | None
    cpu: Cpu
    gpu: Gpu
    image: Image
    argv: tuple[str, ...]
    invocations: tuple[Invocation, ...]
    data: Data
    layers: Mapping[str, Mapping]  # each model's layer record, as its first run recorded it
    fits: tuple[Fit, ...]  # the finished fits, in the order they ran

    @property
    def provenance_method(self) -> str | None:
        """How the kernels were read, where any fit recorded them."""
        return next((f.provenance.method for f in self.fits if f.provenance), None)

    @property
    def ended(self) -> str:
        """When the file was last saved."""
        return self.updated or self.created

    @property
    def machine(self) -> str:
        """'NVIDIA H200', or 'AMD EPYC 7B13 (no GPU)'."""
        return self.gpu.name if self.gpu.present else f"{self.cpu.model} (no GPU)"

    @property
    def runtime(self) -> str | None:
        """The Slurm task's runtime (venv, apptainer, ...), where a sweep ran it."""
        return self.launcher.get(RUNTIME_ENV)

    @property
    def slurm_job(self) -> str | None:
        """'<array job>_<task>', or the job's ID, where Slurm ran it."""
        array = [self.launcher.get(k) for k in ("SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID")]
        return "_".join(array) if all(array) else self.launcher.get("SLURM_JOB_ID")

    @property
    def command(self) -> tuple[str, ...]:
        """The command that made the file (the first invocation; older files: the argv they recorded)."""
        return self.invocations[0].command if self.invocations else self.argv


def image_of(container: Container) -> Image:
    return Image(container["in_container"], container["image_id"], container["image_digest"],
                 container.get("image_base"), container.get("image_base_pinned"))  # fmt: skip


def read(results: ResultsFile) -> Record:
    """The record of a results file as load() returns it (checked against the schema, upgraded)."""
    s, env, data = results["settings"], results["environment"], results["data"]
    cpu, gpu, git = env["cpu"], env["gpu"], env["git"]
    layers: dict[str, Mapping] = {}
    for run in results["runs"]:
        layers.setdefault(run["model"], run["layer"])
    return Record(
        settings=setup_of(s), created=results["created"], updated=results.get("updated"),
        python=env["python"], platform=env["platform"], packages=env["packages"], lock=env.get("lock"),
        load_average=tuple(env.get("load_average", ())), variables=env.get("variables"),
        launcher=env.get("launcher", {}),
        backend_build=env["backend"], tf32_flags=env["backend"].get("tf32_flags", {}),
        commit=git.get("commit"), dirty=git.get("dirty"),
        cpu=Cpu(cpu["model"], cpu["logical_cores"], cpu.get("usable_cores"), cpu.get("governor"), cpu.get("mhz")),
        gpu=Gpu(**{k: v for k, v in gpu.items() if k in Gpu.__dataclass_fields__}),
        image=image_of(env["container"]), argv=tuple(env["argv"]),
        invocations=tuple(Invocation(tuple(c["command"]), c["started"], c["ended"], c["runs_before"])
                          for c in results.get("invocations", [])),
        data=Data(data["note"], data["path"], data["sha256"], data.get("seed"), data["x_train_shape"],
                  data["x_test_shape"]),
        layers=layers, fits=tuple(fit_of(r) for r in results["runs"] if r["status"] == "ok"),
    )  # fmt: skip
