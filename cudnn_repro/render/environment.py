"""A report's environment: where the workload ran, its packages against the lock, TF32, memory, and the
invocations that added runs, formatted from the results file's record."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

from ..judge import findings as found
from ..judge.record import Image, Record
from .formats import gib, tf32_word
from .markdown import Markdown, code, join, table


def ran_in(image: Image, short: bool = False) -> str:
    """Where the workload ran: this package's image (its id and base), a container this package
    did not start (its image unknown), or the host; never "container" where the image is unknown."""
    image_id = image.image_id
    if image_id is None and image.in_container:
        return "other container" if short else "a container this package did not start (image not recorded)"
    if image_id is None:
        return "host"
    base, pinned = image.base, image.base_pinned
    if base is None:
        kind = on = "base not recorded"
    elif pinned is None:  # the host had no Dockerfile to compare with (an installed package, an archive)
        kind, on = "base not compared", f"base {base}, not compared with the pinned one"
    elif pinned:
        kind, on = "pinned base", f"pinned base {base}"
    else:
        kind, on = "stand-in base", f"base {base}, a stand-in for the pinned one"
    if short:
        return f"this package's image {image_id.removeprefix('sha256:')[:12]} ({kind})"
    digest = f", {image.image_digest}" if image.image_digest else ""
    return f"this package's image {image_id}{digest} ({on})"


def lock_text(lock: Mapping | None) -> str | Markdown:
    if lock is None:
        return "not checked (results file from before the check)"
    if not lock["differs"]:
        return f"every recorded package as pinned in {lock['file']}"
    return Markdown("**ad hoc environment**: " + join([f"{k} {v}" for k, v in sorted(lock["differs"].items())]))


def tf32_text(record: Record) -> Markdown:
    if record.settings.tf32 is None:
        return Markdown(f"{tf32_word(None)} (backend default)")
    shown = ", ".join(code(f"{k}={v}") for k, v in record.tf32_flags.items())
    return Markdown(tf32_word(record.settings.tf32) + (f" ({shown})" if shown else ""))


def environment_section(record: Record) -> str:
    cpu, gpu = record.cpu, record.gpu
    rows = [
        ["Python", record.python],
        ["Platform", record.platform],
        ["Packages", ", ".join(f"{k} {v}" for k, v in record.packages.items())],
        ["Lock", lock_text(record.lock)],
        [
            "CPU",
            f"{cpu.model} ({cpu.logical_cores} logical cores, {'?' if cpu.usable_cores is None else cpu.usable_cores} "
            f"usable; governor {cpu.governor or 'not exposed'}, {cpu.mhz or '?'} MHz)",
        ],
        ["Load average (1, 5, 15 min) at start", ", ".join(map(str, record.load_average)) or "not recorded"],
        [
            "GPU",
            f"{gpu.name} (of {gpu.count}; chosen by CUDA_VISIBLE_DEVICES entry {gpu.selected}), "
            f"{gpu.memory_gib} GiB, driver {gpu.driver} (CUDA {gpu.driver_cuda})"
            if gpu.present
            else f"none ({gpu.reason})",
        ],
        [
            "Variables",
            Markdown(", ".join(code(f"{k}={v}") for k, v in record.variables.items()) or "none set")
            if record.variables is not None
            else "not recorded",
        ],
        ["Backend build", ", ".join(f"{k} {v}" for k, v in record.backend_build.items())],
        ["Git commit", f"{record.commit}{' (uncommitted changes)' if record.dirty else ''}"],
        ["Ran in", ran_in(record.image)],
        ["Started / updated", f"{record.created} / {record.updated or '-'}"],
    ]
    if record.invocations:
        calls = table(
            [
                [i + 1, code(shlex.join(c.command)), c.started, c.ended or "-", c.runs_before]
                for i, c in enumerate(record.invocations)
            ],
            ["#", "Command", "Started", "Ended", "Runs before it"],
        )
        commands = f"Invocations that added runs to this file:\n\n{calls}"
    else:
        commands = (
            f"Command (the first invocation; this file predates the record of each one):\n\n"
            f"{code(shlex.join(record.argv))}"
        )
    return f"## Environment\n\n{table(rows, ['', ''])}\n\n{commands}"


def memory_text(peak: found.PeakMemory) -> str:
    host = (
        f"host {gib(peak.host_bytes)} (the run's process at its largest, ru_maxrss)"
        if peak.host_bytes
        else "host not recorded (results from before the record)"
    )
    gpu = f"; GPU {gib(peak.gpu_bytes)} in use at most (NVML, sampled during the fits)" if peak.gpu_bytes else ""
    return host + gpu
