"""Progress arithmetic and the environment record's keys."""

import pytest

from cudnn_repro.measure import environment
from cudnn_repro.measure.progress import clock, plan_left
from cudnn_repro.measure.telemetry import NoVisibleGpu, selected_gpu

CUDNN = {"LSTM": False, "GRU": False, "CuDNNLSTM": True, "CuDNNGRU": True}


def test_clock_is_hours_minutes_seconds():
    assert [clock(s) for s in (0, 59.6, 61, 3600, 2950, 36000 + 7)] == [
        "0:00:00",
        "0:01:00",
        "0:01:01",
        "1:00:00",
        "0:49:10",
        "10:00:07",
    ]


def test_plan_left_uses_each_models_runs_then_its_probe_then_its_kind():
    fits = {"LSTM": [100.0, 120.0], "CuDNNLSTM": [10.0]}
    assert plan_left(["LSTM", "GRU", "CuDNNGRU"], fits, CUDNN, {}) == pytest.approx(110 + 110 + 10)
    assert plan_left(["LSTM", "GRU"], fits, CUDNN, {"LSTM": 1.0, "GRU": 90.0}) == pytest.approx(110 + 90)
    assert plan_left([], fits, CUDNN, {}) == 0
    assert plan_left(["CuDNNGRU"], {"LSTM": [100.0]}, CUDNN, {}) is None  # no cuDNN model has run yet


class FakeNvml:
    def nvmlDeviceGetHandleByIndex(self, i):
        return f"index {i}"

    def nvmlDeviceGetHandleByUUID(self, uuid):
        return f"uuid {uuid}"


@pytest.mark.parametrize(
    ("visible", "handle"),
    [(None, "index 0"), ("2,0", "index 2"), ("GPU-1234-abcd,1", "uuid GPU-1234-abcd")],
)
def test_telemetry_samples_the_gpu_cuda_selects(monkeypatch, visible, handle):
    if visible is None:
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    else:
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    assert selected_gpu(FakeNvml())[0] == handle


def test_no_visible_gpu_is_said(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    with pytest.raises(NoVisibleGpu, match="empty"):
        selected_gpu(FakeNvml())


def test_environment_records_what_decides_timings(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("TF_TOKEN_app_terraform_io", "secret")  # Terraform's, never recorded
    env = environment.collect_environment()
    assert len(env["load_average"]) == 3 and {"governor", "mhz"} <= env["cpu"].keys()
    assert env["variables"]["OMP_NUM_THREADS"] == "2" and "TF_TOKEN_app_terraform_io" not in env["variables"]
    assert {"lock", "packages", "backend", "gpu", "git", "container"} <= env.keys()


def test_container_logs_decode_characters_split_across_chunks():
    from cudnn_repro.launch.engine import decode_stream

    text = "epoch 1/10: 0:00:05 — ✓"
    data = text.encode()
    chunks = [data[i : i + 3] for i in range(0, len(data), 3)]  # splits the multi-byte characters
    assert "".join(decode_stream(chunks)) == text


def test_ctrl_c_is_acted_on_at_the_next_checkpoint_and_a_second_one_at_once():
    import os
    import signal
    import time

    from cudnn_repro.measure import interrupt

    with interrupt.deferred():
        os.kill(os.getpid(), signal.SIGINT)  # lands anywhere: only a flag is set
        with pytest.raises(KeyboardInterrupt):
            interrupt.checkpoint()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # Python raises it at the next bytecode
    interrupt.checkpoint()  # outside the block nothing is pending
