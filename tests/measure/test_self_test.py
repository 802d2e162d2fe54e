"""The GPU self-test and the plan: each failure forced on this CPU, through the one error boundary.

A GPU that NVML sees but the framework does not and a cuDNN op that fails each stop the run before
any long fit, with one line and exit 10; a model that runs another kernel than cuDNN (a silent
fall-back) likewise, with exit 3, the code a framework's GPU CI gates on.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import threading

import pytest
from helpers import ROOT, reproduce, tiny_data, tiny_settings

from cudnn_repro import cli, errors, results
from cudnn_repro.measure import framework, gpu_stack, plan, probe, self_test, workload
from cudnn_repro.measure.frameworks import jax as jax_framework
from cudnn_repro.measure.frameworks import tensorflow as tensorflow_framework
from cudnn_repro.measure.frameworks import torch as torch_framework
from cudnn_repro.registry import FRAMEWORK_FACTS
from cudnn_repro.settings import PROFILES, SPECS

H200 = {"present": True, "name": "NVIDIA H200", "count": 1, "memory_gib": 139.8, "driver": "570.1",
        "driver_cuda": "12.8"}  # fmt: skip


@pytest.fixture
def nvml_sees_a_gpu(monkeypatch):
    """The environment record of a host whose driver shows a GPU (NVML), whatever the framework sees."""
    collect = workload.collect_environment

    def with_gpu() -> dict:
        return collect() | {"gpu": H200}

    monkeypatch.setattr(workload, "collect_environment", with_gpu)


@pytest.fixture
def framework_sees_it(monkeypatch):
    for seen in (tensorflow_framework, torch_framework, jax_framework):
        monkeypatch.setattr(seen, "cuda_status", lambda: (True, "CUDA GPU visible to the framework"))


def run(tmp_path, capsys, *options: str, profile: str = "smoke") -> tuple[int, list[str]]:
    argv = ["run", "--profile", profile, "--data", "synthetic", "--out", str(tmp_path), *options]
    status = cli.main(argv)
    errors_seen = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    return status, errors_seen


def test_a_gpu_the_framework_cannot_see_stops_with_the_missing_library(tmp_path, capsys, nvml_sees_a_gpu):
    status, lines = run(tmp_path, capsys, "--models", "LSTM,CuDNNLSTM")
    assert status == errors.SELF_TEST == 10
    [line] = lines
    assert line.startswith("error: GPU self-test: NVML sees NVIDIA H200, but this TensorFlow build has no CUDA")
    # The first library TensorFlow would need that cannot load, as ld.so words it (libcudart.so.12 in a
    # venv of runtime.lock alone; a later one where torch.lock's CUDA wheels supply some of them).
    assert re.search(r"but this TensorFlow build has no CUDA support: lib\w+\.so\.\d+: cannot open shared", line)
    assert "Fix: run in the GPU image" in line
    assert not (tmp_path / results.RESULTS_NAME).exists()  # stopped before the results file and any fit


def test_a_failing_cudnn_op_stops_with_the_frameworks_words(tmp_path, capsys, nvml_sees_a_gpu, framework_sees_it):
    status, lines = run(tmp_path, capsys, "--models", "LSTM,CuDNNLSTM")  # keras2: tf_keras's CuDNNLSTM
    assert status == errors.SELF_TEST
    [line] = lines
    assert line.startswith("error: GPU self-test: CuDNNLSTM's cuDNN op failed on NVIDIA H200: ")
    assert "CudnnRNN" in line  # TensorFlow's own message: this CPU build has no kernel for the op
    assert "Fix: check the driver" in line
    assert not (tmp_path / results.RESULTS_NAME).exists()


def test_torch_stack_a_gpu_pytorch_cannot_see_stops_with_the_fix(tmp_path, capsys, nvml_sees_a_gpu):
    status, lines = run(tmp_path, capsys, "--stack", "torch", "--models", "LSTM,CuDNNLSTM")
    assert status == errors.SELF_TEST
    [line] = lines
    assert line.startswith("error: GPU self-test: NVML sees NVIDIA H200, but no CUDA GPU visible to PyTorch")
    assert "Fix: install a CUDA build of PyTorch" in line
    assert not (tmp_path / results.RESULTS_NAME).exists()


def test_torch_stack_cudnn_off_a_gpu_stops_before_any_cpu_time(tmp_path, capsys, nvml_sees_a_gpu, framework_sees_it):
    status, lines = run(tmp_path, capsys, "--stack", "torch", "--models", "CuDNNGRU")
    assert status == errors.SELF_TEST
    assert lines == [
        "error: GPU self-test: CuDNNGRU's cuDNN op failed on NVIDIA H200: PyTorch runs cuDNN's RNN only on a CUDA "
        "GPU with cuDNN. Fix: " + FRAMEWORK_FACTS["torch"].cudnn_fix
    ]


@pytest.mark.parametrize("stack", ["keras3", "torch"])
def test_a_quick_run_whose_cudnn_model_runs_another_kernel_exits_3(
    tmp_path, capsys, monkeypatch, nvml_sees_a_gpu, framework_sees_it, stack
):
    """keras-team/keras#22874 simulated on this CPU: the cuDNN layer silently runs the plain loop."""
    build = probe.fresh_model
    monkeypatch.setattr(probe, "fresh_model", lambda spec, s: build(SPECS[spec.cell], s))  # a silent fallback
    status, lines = run(tmp_path, capsys, "--stack", stack, "--models", "CuDNNGRU", profile="quick")
    assert status == errors.PROVENANCE == 3
    [line] = lines
    assert line.startswith("error: GPU self-test: CuDNNGRU should have run a cuDNN RNN kernel, but ")
    assert "no cuDNN op" in line


def test_a_passed_self_test_is_recorded_with_its_time_and_kernel(monkeypatch):
    """The real probe fits (the plain layer stands in for cuDNN's, which this CPU cannot run); only the
    kernel record is a GPU's."""
    gpu_record = {"method": "m", "ran_cudnn": True, "cudnn_ops": {"aten::_cudnn_rnn": 2}, "loop_ops": {}}
    build = probe.fresh_model
    monkeypatch.setattr(probe, "fresh_model", lambda spec, s: build(SPECS[spec.cell], s))
    monkeypatch.setattr(probe.provenance, "kernel_evidence", lambda model, x, y: gpu_record)
    settings = dataclasses.replace(tiny_settings(), stack="torch", math="matched", models=("LSTM", "CuDNNLSTM"))
    with framework.selected("torch"):
        record, probes = self_test.self_test(settings, tiny_data(), {"gpu": H200}, (True, "visible"))
    assert record["status"] == "passed" and record["models"]["CuDNNLSTM"]["kernel"] == ["aten::_cudnn_rnn"]
    [passed] = probes
    assert passed.model == "CuDNNLSTM" and len(passed.fit["epoch_seconds"]) == probe.PROBE_EPOCHS
    assert 0 < passed.fit["fit_seconds"] < passed.seconds == record["models"]["CuDNNLSTM"]["seconds"]


def test_no_gpu_anywhere_is_no_failure():
    settings = PROFILES["smoke"]
    record, probes = self_test.self_test(settings, None, {"gpu": {"present": False}}, (False, "no CUDA GPU"))
    assert record == {"status": "not run", "reason": "no CUDA GPU"} and probes == []


def test_the_paper_plan_is_three_interleaved_repeats_then_up_to_six_with_an_eta():
    paper = PROFILES["paper"]
    assert (paper.repeats, paper.max_repeats) == (3, 6) and plan.is_long(paper) and not plan.is_long(PROFILES["smoke"])
    fits = [name for _ in range(paper.repeats) for name in paper.models]
    text = plan.plan_text(paper, fits, {"CuDNNLSTM": "no CUDA GPU", "CuDNNGRU": "no CUDA GPU"})
    # It counts the fits it will make, as the ETA does, and names the models it will not run.
    assert text.startswith("plan: 6 fit(s), 3 interleaved repeat(s) of LSTM, GRU, each 10 epochs")
    assert "; CuDNNLSTM, CuDNNGRU not run: no CUDA GPU (recorded as such, never timed); then up to 6 repeats" in text
    more = plan.plan_text(paper, fits, {"CuDNNLSTM": "no CUDA GPU", "CuDNNGRU": "no CUDA GPU"}, paper.max_repeats)
    assert more.startswith("plan: 6 fit(s), 3 more interleaved repeat(s) (4 to 6) of LSTM, GRU, each 10 epochs")
    # A probe of 3 batches per epoch scales to the plan's 250: steady steps added, set-up kept.
    fit = {"fit_seconds": 3.5, "epoch_seconds": [2.0, 1.0], "step_seconds": [0.3, 0.25]}
    lstm = probe.Probe("LSTM", 4.0, fit, 0.1, {})
    extra = 250 - 3
    assert lstm.predicted_seconds(paper) == pytest.approx(0.5 + 2.0 + extra * 0.25 + 9 * (1.0 + extra * 0.25) + 25)


def test_a_paper_run_prints_its_plan_and_eta_before_the_first_fit(tmp_path):
    """Started for real and stopped at its first fit: nobody needs to run it to the end."""
    argv = [sys.executable, str(ROOT / "reproduce.py"), "run", "--profile", "paper", "--data", "synthetic",
            "--models", "LSTM,CuDNNLSTM", "--out", str(tmp_path)]  # fmt: skip
    env = os.environ | {"CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}
    with subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True) as process:
        watchdog = threading.Timer(300, process.kill)  # a plan that never reaches a fit fails, never hangs
        watchdog.start()
        lines = []
        for line in process.stderr:
            lines.append(line)
            if re.match(r"\[1/\d+\] \w+ run 1/3: fitting", line):
                break
        process.kill()
        watchdog.cancel()
    assert lines[-1].startswith("[1/3] LSTM run 1/3: fitting"), lines  # counts the fits, not the models skipped
    plan, eta = (next(x for x in lines if x.startswith(word)) for word in ("plan:", "ETA:"))
    assert plan.startswith("plan: 3 fit(s), 3 interleaved repeat(s) of LSTM, each 10 epochs x 250 batches")
    assert "; CuDNNLSTM not run: " in plan
    assert re.match(r"ETA: \d+:\d\d:\d\d for the 3 fit\(s\) \(LSTM \d+:\d\d:\d\d each\); at most \d+:\d\d:\d\d if the "
                    r"stopping rule makes 3 more repeat\(s\), predicted from a 3-batch", eta)  # fmt: skip
    assert lines.index(plan) < lines.index(eta) < len(lines) - 1  # both before the first fit


def test_every_library_tensorflow_opens_names_a_wheel_of_the_gpu_lock():
    assert set(gpu_stack.SONAMES.values()) <= set(gpu_stack.locked_versions(ROOT / "requirements" / "gpu.lock"))


def test_check_gpu_stack_on_a_cpu_build_names_what_is_missing_and_exits_10():
    done = reproduce("check-gpu-stack")
    assert done.returncode == errors.SELF_TEST
    assert "libcudnn.so.9" in done.stdout and "NOT LOADED" in done.stdout
    [line] = done.stderr.strip().splitlines()[-1:]
    assert line.startswith("error: the GPU stack differs from gpu.lock in ") and "first: " in line


def test_each_wheel_keeps_its_libraries_in_its_own_folder():
    assert gpu_stack.wheel_folder("nvidia-cuda-runtime-cu12") == "cuda_runtime"
    assert gpu_stack.wheel_folder("nvidia-cudnn-cu12") == "cudnn"


def test_jax_cudnn_gru_is_not_run_with_the_reason_the_backend_gives(monkeypatch):
    """Keras 3's JAX GRU with use_cudnn=True would run a lax.scan: never timed as cuDNN."""
    monkeypatch.setattr(framework, "_selected", jax_framework)
    assert jax_framework.no_cudnn_kernel("GRU") == "JAX has no cuDNN GRU (jax.experimental.rnn offers only lstm)"
    assert jax_framework.no_cudnn_kernel("LSTM") is None  # jax.experimental.rnn.lstm: cuDNN on a GPU
    settings = dataclasses.replace(PROFILES["smoke"], stack="keras3")
    assert workload.not_runnable(settings, True, "visible") == {"CuDNNGRU": jax_framework.no_cudnn_kernel("GRU")}
    assert workload.not_runnable(settings, False, "no GPU") == {"CuDNNLSTM": "no GPU", "CuDNNGRU": "no GPU"}
    record, probes = self_test.self_test(settings, None, {"gpu": H200}, (True, "visible"), {"CuDNNGRU", "CuDNNLSTM"})
    assert record["status"] == "not run" and probes == []
