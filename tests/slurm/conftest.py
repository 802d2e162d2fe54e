"""A real one-node Slurm cluster: munge, slurmctld and slurmd from Debian's packages.

`make test-slurm` installs the packages; this fixture writes the configuration into a
temporary folder, starts the daemons as root and stops them afterwards. The tests fail,
never skip, when the cluster cannot start: CI must run them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).with_name("slurm.conf.in")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_munge() -> None:
    if subprocess.run(["sh", "-c", "munge -n | unmunge"], capture_output=True).returncode == 0:
        return  # already running
    Path("/run/munge").mkdir(parents=True, exist_ok=True)
    shutil.chown("/run/munge", "munge", "munge")
    subprocess.run(["runuser", "-u", "munge", "--", "/usr/sbin/munged"], check=True, capture_output=True)


def wait_for(what: str, check, seconds: float, state: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(1)
    logs = "\n".join(p.read_text()[-2000:] for p in sorted(state.glob("*.log")))
    pytest.fail(f"the test Slurm cluster did not come up: {what}\n{logs}")


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory) -> dict[str, str]:
    """SLURM_CONF for the running one-node cluster; the daemons stop at the end of the session."""
    missing = [d for d in ("slurmctld", "slurmd", "sbatch", "munged") if shutil.which(d) is None]
    if missing:
        pytest.fail(f"these tests need Slurm and munge ({', '.join(missing)} missing): run `make test-slurm`")
    state = tmp_path_factory.mktemp("slurm")
    for sub in ("ctld", "d"):
        (state / sub).mkdir()
    host = socket.gethostname().split(".")[0]
    fields = {"HOST": host, "STATE": str(state), "CPUS": str(os.cpu_count()),
              "CTLD_PORT": str(free_port()), "D_PORT": str(free_port())}  # fmt: skip
    conf = TEMPLATE.read_text()
    for key, value in fields.items():
        conf = conf.replace(f"@{key}@", value)
    (state / "slurm.conf").write_text(conf)
    env = {"SLURM_CONF": str(state / "slurm.conf")}
    os.environ.update(env)
    start_munge()
    subprocess.run(["slurmctld", "-c"], check=True, capture_output=True)
    subprocess.run(["slurmd"], check=True, capture_output=True)
    try:
        idle = ["sinfo", "--noheader", "--format=%t"]
        wait_for("node idle", lambda: subprocess.run(idle, capture_output=True, text=True).stdout.strip() == "idle",
                 60, state)  # fmt: skip
        yield env | {"STATE": str(state)}
    finally:
        for daemon in ("slurmd", "slurmctld"):
            pid_file = state / f"{daemon}.pid"
            if pid_file.exists():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid_file.read_text()), signal.SIGTERM)
