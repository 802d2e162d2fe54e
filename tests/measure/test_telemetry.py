"""NVML telemetry: which GPU is sampled, and the summaries of recorded samples."""

import pytest

from cudnn_repro.measure import telemetry
from cudnn_repro.measure.telemetry import NoVisibleGpu, selected_gpu

SAMPLES = [
    {
        "sm_clock_mhz": 1980,
        "mem_clock_mhz": 2619,
        "temperature_c": 45,
        "power_w": 120.0,
        "utilization_pct": 8,
        "throttle_mask": 0x1,
        "memory_used_bytes": 1 * 2**30,
    },
    {
        "sm_clock_mhz": 1755,
        "mem_clock_mhz": 2619,
        "temperature_c": 83,
        "power_w": 690.5,
        "utilization_pct": 99,
        "throttle_mask": 0x4 | 0x20,
        "memory_used_bytes": 3 * 2**30,
    },
    {
        "sm_clock_mhz": 1980,
        "mem_clock_mhz": 2619,
        "temperature_c": 50,
        "power_w": 300.0,
        "utilization_pct": 90,
        "throttle_mask": 0x0,
        "memory_used_bytes": 2 * 2**30,
    },
]


def test_throttle_bits_decode_to_names_and_idle_is_not_a_slowdown():
    assert telemetry.decode_throttle(0x4 | 0x20) == ["SW power cap", "SW thermal slowdown"]
    assert telemetry.decode_throttle(0x1) == []


def test_summary_of_recorded_samples():
    s = telemetry.summarise(SAMPLES)
    assert s["samples"] == 3 and s["sm_clock_mhz"] == {"min": 1755, "median": 1980, "max": 1980}
    assert s["temperature_c"]["max"] == 83 and s["power_w"]["median"] == 300.0
    assert s["throttle_reasons"] == ["SW power cap", "SW thermal slowdown"]
    assert s["throttled_fraction"] == 1 / 3
    assert s["memory_used_bytes"]["max"] == max(sample["memory_used_bytes"] for sample in SAMPLES)


def test_no_nvml_is_reported_not_hidden():
    assert telemetry.summarise([], "NVML unavailable: no library") == {
        "available": False,
        "reason": "NVML unavailable: no library",
    }
    sampler = telemetry.GpuSampler()  # this machine has no NVIDIA driver
    sampler.start()
    assert sampler.stop() == {"available": False, "reason": sampler.unavailable}
    assert sampler.unavailable.startswith("NVML unavailable")


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
