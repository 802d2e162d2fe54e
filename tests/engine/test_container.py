"""The container path against the real engine: build, run, results on the host, failures."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import tarfile
import threading
import time

import images
import pytest
from docker.types import Mount
from helpers import TINY, reproduce

from cudnn_repro import cli
from cudnn_repro.commands.report import report_beside
from cudnn_repro.errors import Terminated
from cudnn_repro.launch import container, engine
from cudnn_repro.launch.image import IMAGE_UID

pytestmark = pytest.mark.root  # the Docker engine's socket


def test_cpu_image_is_pinned_labelled_and_unprivileged(client, cpu_image, base_image):
    image = client.images.get(cpu_image)
    labels = image.labels
    assert labels["io.cudnn-repro.variant"] == "cpu" and labels["io.cudnn-repro.lock"] == "runtime.lock"
    assert labels["org.opencontainers.image.base.name"] == images.BASE_TAG
    assert len(labels["org.opencontainers.image.revision"]) >= 40
    assert image.attrs["Config"]["User"] == f"{IMAGE_UID}:{IMAGE_UID}"
    assert "cudnn-repro:cpu-0.1.0" in image.tags and labels["org.opencontainers.image.version"] == "0.1.0"


def test_rebuild_from_the_same_inputs_reuses_the_image(client, cpu_image, capsys):
    again = images.cpu_image(client)
    assert again == cpu_image and "reusing" in capsys.readouterr().err
    assert len(client.images.get(cpu_image).labels["io.cudnn-repro.inputs"]) == 64


def test_smoke_run_lands_on_the_host_owned_by_the_user(client, cpu_image, results_dir, monkeypatch):
    monkeypatch.setattr(os, "getuid", lambda: 4321)
    monkeypatch.setattr(os, "getgid", lambda: 4321)
    options = [*TINY, "--models", "LSTM,CuDNNLSTM"]
    wheelhouse = container.ROOT / "wheelhouse"
    container.run_in_container(options, results_dir, "cpu", wheelhouse, "synthetic", base=images.BASE_TAG)
    results_file = results_dir / "results.json"
    assert results_file.stat().st_uid == 4321
    assert not (results_dir / "REPORT.md").exists()  # the report is the host's to write, once (commands/container.py)
    report_beside(results_dir)
    results = json.loads(results_file.read_text())
    assert results["environment"]["container"]["in_container"] is True
    assert results["environment"]["container"]["image_id"] == cpu_image
    # Built on the local stand-in, and said so: the report's "Ran in" names the image and its base.
    assert results["environment"]["container"]["image_base"] == images.BASE_TAG
    assert results["environment"]["container"]["image_base_pinned"] is False
    assert (
        f"this package's image {cpu_image} (base {images.BASE_TAG}, a stand-in for the pinned one)"
        in (results_dir / "REPORT.md").read_text()
    )
    # The commit is the code the image holds (its label), not the checkout's state when the container started.
    labels = client.images.get(cpu_image).labels
    commit, dirty = container.image_revision(labels)
    assert results["environment"]["git"] == {"commit": commit, "dirty": dirty} and commit
    assert [r["status"] for r in results["runs"]] == ["ok", "not_run"]
    assert "this TensorFlow build has no CUDA support" in (results_dir / "REPORT.md").read_text()


def test_reproduction_container_is_locked_down_and_never_root(client, cpu_image, tmp_path, monkeypatch):
    """Also the regression test for a Keras datasets folder without imdb.npz: the host looks
    for the data (the download fails here), the container gets no mount of that folder and
    no network, and the run uses the flagged synthetic set instead of crashing."""
    (tmp_path / "keras" / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    out = tmp_path / "out"
    out.mkdir()
    options = [*TINY[:2], "--train-samples", "100", "--test-samples", "100", "--models", "LSTM", "--data", "auto"]
    wheelhouse = container.ROOT / "wheelhouse"
    run = threading.Thread(
        target=container.run_in_container,
        args=(options, out, "cpu", wheelhouse, "auto"),
        kwargs={"base": images.BASE_TAG},
    )
    run.start()
    attrs = None
    for _ in range(600):
        running = client.containers.list(filters={"ancestor": cpu_image})
        if running:
            attrs = client.api.inspect_container(running[0].id)
            break
        time.sleep(0.5)
    run.join()
    assert attrs is not None, "no reproduction container was seen running"
    host = attrs["HostConfig"]
    assert host["NetworkMode"] == "none" and host["ReadonlyRootfs"] is True
    assert host["CapDrop"] == ["ALL"] and "no-new-privileges" in host["SecurityOpt"]
    assert host["PidsLimit"] > 0 and "/tmp" in host["Tmpfs"] and not host.get("DeviceRequests")
    user = f"{IMAGE_UID}:{IMAGE_UID}" if os.getuid() == 0 else f"{os.getuid()}:{os.getgid()}"
    assert attrs["Config"]["User"] == user
    assert [(m["Destination"], m["RW"]) for m in attrs["Mounts"]] == [("/results", True)]
    assert attrs["Config"]["Env"].count("CUDNN_REPRO_OFFLINE=1") == 1
    results = json.loads((out / "results.json").read_text())
    assert results["data"]["source"] == "synthetic" and [r["status"] for r in results["runs"]] == ["ok"]


def test_gpu_request_without_gpu_runtime_gives_the_fix(client, base_image):
    with pytest.raises(engine.GpuRuntimeError) as raised:
        engine.gpu_preflight(client, base_image)
    message = str(raised.value)
    assert "could not select device driver" in message and "with capabilities: [[gpu]]" in message
    assert "NVIDIA Container Toolkit" in message and "make reproduce VARIANT=cpu" in message


def test_gpu_preflight_comes_before_any_download_or_build(client, base_image):
    """`make reproduce` on a GPU host asks this first; here, with no GPU runtime, it gives the fix."""
    before = len(client.containers.list(all=True))
    done = reproduce("container", "--variant", "gpu", "--preflight")
    assert done.returncode == 6 and "NVIDIA Container Toolkit" in done.stderr and "Traceback" not in done.stderr
    assert len(client.containers.list(all=True)) == before  # the probe leaves no container behind


def test_failing_container_keeps_its_logs_and_exit_code(client, cpu_image, results_dir):
    command = ["run", "--profile", "smoke", "--data", "imdb", "--imdb-path", "/missing/imdb.npz", "--out", "/results"]
    mounts = [Mount("/results", str(results_dir), type="bind")]
    with pytest.raises(engine.ContainerFailed) as raised:
        engine.run(client, cpu_image, command, mounts, {}, "4321:4321", False, results_dir)
    assert raised.value.exit_code == 1
    assert "/missing/imdb.npz does not exist" in raised.value.log_path.read_text()
    assert not client.containers.list(all=True, filters={"ancestor": cpu_image})


def test_interrupted_run_stops_the_container_and_keeps_finished_models(client, cpu_image, results_dir, monkeypatch):
    def interrupt_after_first_model(lines):
        for line in lines:
            if "(saved)" in line:
                raise KeyboardInterrupt

    monkeypatch.setattr(engine, "show", interrupt_after_first_model)
    command = ["run", *TINY, "--models", "LSTM,GRU", "--epochs", "4", "--out", "/results"]
    mounts = [Mount("/results", str(results_dir), type="bind")]
    with pytest.raises(KeyboardInterrupt):
        engine.run(client, cpu_image, command, mounts, {}, "4321:4321", False, results_dir)
    assert not client.containers.list(all=True, filters={"ancestor": cpu_image})
    runs = json.loads((results_dir / "results.json").read_text())["runs"]
    assert [r["model"] for r in runs] == ["LSTM"]


def test_sigterm_stops_the_container_before_the_process_ends(client, cpu_image, results_dir, monkeypatch):
    """kill, timeout or Slurm's stop: without this, the container would fit on after its host process died."""

    def terminate_after_first_model(lines):
        for line in lines:
            if "(saved)" in line:
                os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(engine, "show", terminate_after_first_model)
    command = ["run", *TINY, "--models", "LSTM,GRU", "--epochs", "4", "--out", "/results"]
    mounts = [Mount("/results", str(results_dir), type="bind")]
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated):
        engine.run(client, cpu_image, command, mounts, {}, "4321:4321", False, results_dir)
    assert signal.getsignal(signal.SIGTERM) is before
    assert not client.containers.list(all=True, filters={"ancestor": cpu_image})
    runs = json.loads((results_dir / "results.json").read_text())["runs"]
    assert [r["model"] for r in runs] == ["LSTM"]


def test_archive_round_trip_checks_its_sum(client, base_image, tmp_path):
    archive = tmp_path / "base.tar"
    checksum = engine.save_archive(client, base_image, archive)
    assert checksum.read_text().endswith("  base.tar\n")
    assert engine.load_archive(client, archive) == base_image
    checksum.write_text("0" * 64 + "  base.tar\n")
    with pytest.raises(engine.EngineError, match="corrupt archive"):
        engine.load_archive(client, archive)


def write_with_sum(path, content: bytes) -> None:
    path.write_bytes(content)
    path.with_name(path.name + ".sha256").write_text(f"{hashlib.sha256(content).hexdigest()}  {path.name}\n")


def test_bad_archives_and_bases_are_one_line_each_with_exit_6(client, tmp_path, capsys):
    not_image = io.BytesIO()
    with tarfile.open(fileobj=not_image, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        tar.addfile(info, io.BytesIO(b""))
    write_with_sum(tmp_path / "random.tar", os.urandom(4096))
    write_with_sum(tmp_path / "files.tar", not_image.getvalue())
    (tmp_path / "empty-sum.tar").write_bytes(b"x")
    (tmp_path / "empty-sum.tar.sha256").write_text("")
    cases = {
        "random.tar": "is not a `docker save` image archive",
        "files.tar": "is not a `docker save` image archive",
        "empty-sum.tar": "holds no SHA-256",
        "missing.tar": "does not exist",
    }
    for name, words in cases.items():
        argv = ["container", "--variant", "cpu", "--image-archive", str(tmp_path / name), "--profile", "smoke",
                "--data", "synthetic", "--out", str(tmp_path / "out")]  # fmt: skip
        assert cli.main(argv) == 6, name
        err = capsys.readouterr().err
        assert err.startswith("error: ") and words in err and err.count("\n") == 1, (name, err)
    argv = ["image", "--variant", "cpu", "--base", "cudnn-repro-test/no-such-base:1"]
    assert cli.main(argv) == 6
    err = capsys.readouterr().err
    assert "is not on this engine and nothing can be pulled here" in err and err.count("\n") == 1, err
