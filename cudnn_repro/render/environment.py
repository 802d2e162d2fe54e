"""A report's environment: where the workload ran, its packages against the lock, TF32, memory, and the
invocations that added runs, formatted from the results file's record."""

from __future__ import annotations

import shlex

from ..judge import findings as found
from ..results import Container, Environment, ResultsFile
from .formats import gib
from .markdown import Markdown, code, join, table


def ran_in(container: Container, short: bool = False) -> str:
    """Where the workload ran: this package's image (its id and base), a container this package
    did not start (its image unknown), or the host; never "container" where the image is unknown."""
    image_id = container["image_id"]
    if image_id is None and container["in_container"]:
        return "other container" if short else "a container this package did not start (image not recorded)"
    if image_id is None:
        return "host"
    base, pinned = container.get("image_base"), container.get("image_base_pinned")
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
    digest = f", {container['image_digest']}" if container["image_digest"] else ""
    return f"this package's image {image_id}{digest} ({on})"


def lock_text(env: Environment) -> str | Markdown:
    lock = env.get("lock")
    if lock is None:
        return "not checked (results file from before the check)"
    if not lock["differs"]:
        return f"every recorded package as pinned in {lock['file']}"
    return Markdown("**ad hoc environment**: " + join([f"{k} {v}" for k, v in sorted(lock["differs"].items())]))


def tf32_text(results: ResultsFile) -> Markdown:
    tf32 = results["settings"]["tf32"]
    if tf32 is None:
        return Markdown("not controlled (backend default)")
    flags = results["environment"]["backend"].get("tf32_flags", {})
    shown = ", ".join(code(f"{k}={v}") for k, v in flags.items())
    return Markdown(("on" if tf32 else "off") + (f" ({shown})" if shown else ""))


def environment_section(results: ResultsFile) -> str:
    env = results["environment"]
    gpu = env["gpu"]
    rows = [
        ["Python", env["python"]],
        ["Platform", env["platform"]],
        ["Packages", ", ".join(f"{k} {v}" for k, v in env["packages"].items())],
        ["Lock", lock_text(env)],
        [
            "CPU",
            f"{env['cpu']['model']} ({env['cpu']['logical_cores']} logical cores, "
            f"{env['cpu'].get('usable_cores', '?')} usable; governor {env['cpu'].get('governor') or 'not exposed'}, "
            f"{env['cpu'].get('mhz') or '?'} MHz)",
        ],
        ["Load average (1, 5, 15 min) at start", ", ".join(map(str, env.get("load_average", []))) or "not recorded"],
        [
            "GPU",
            f"{gpu['name']} (of {gpu['count']}; chosen by CUDA_VISIBLE_DEVICES entry {gpu.get('selected', '0')}), "
            f"{gpu['memory_gib']} GiB, driver {gpu['driver']} (CUDA {gpu['driver_cuda']})"
            if gpu.get("present")
            else f"none ({gpu['reason']})",
        ],
        [
            "Variables",
            Markdown(", ".join(code(f"{k}={v}") for k, v in env["variables"].items()) or "none set")
            if "variables" in env
            else "not recorded",
        ],
        ["Backend build", ", ".join(f"{k} {v}" for k, v in env["backend"].items())],
        ["Git commit", f"{env['git']['commit']}{' (uncommitted changes)' if env['git']['dirty'] else ''}"],
        ["Ran in", ran_in(env["container"])],
        ["Started / updated", f"{results['created']} / {results.get('updated', '-')}"],
    ]
    invocations = results.get("invocations")
    if invocations:
        calls = table(
            [
                [i + 1, code(shlex.join(c["command"])), c["started"], c["ended"] or "-", c["runs_before"]]
                for i, c in enumerate(invocations)
            ],
            ["#", "Command", "Started", "Ended", "Runs before it"],
        )
        commands = f"Invocations that added runs to this file:\n\n{calls}"
    else:
        commands = (
            f"Command (the first invocation; this file predates the record of each one):\n\n"
            f"{code(shlex.join(env['argv']))}"
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
