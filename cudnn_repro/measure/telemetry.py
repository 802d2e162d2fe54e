"""GPU clocks, temperature, power and throttle reasons sampled through NVML during a fit.

A timing taken while the GPU throttled is not the GPU's speed; the summary says so.
"""

from __future__ import annotations

import os
import statistics
import threading

# NVML clocks-event (throttle) reason bits that slow the GPU down; "GPU idle" and
# "applications clocks setting" are left out, they are not slowdowns of running work.
THROTTLE_REASONS = {
    0x4: "SW power cap",
    0x8: "HW slowdown",
    0x10: "sync boost",
    0x20: "SW thermal slowdown",
    0x40: "HW thermal slowdown",
    0x80: "HW power brake slowdown",
    0x100: "display clock setting",
}


class NoVisibleGpu(Exception):
    """CUDA_VISIBLE_DEVICES hides every GPU."""


def selected_gpu(pynvml) -> tuple[object, str]:
    """The NVML handle of the GPU that CUDA uses first, and the CUDA_VISIBLE_DEVICES entry
    that chose it: a GPU-/MIG- UUID, or an index (NVML counts in PCI bus order, as CUDA does
    with CUDA_DEVICE_ORDER=PCI_BUS_ID). Device 0 when the variable is unset."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and not visible.strip():
        raise NoVisibleGpu("CUDA_VISIBLE_DEVICES is empty: no GPU is visible to CUDA")
    first = visible.split(",")[0].strip() if visible else "0"
    if first.startswith(("GPU-", "MIG-")):
        return pynvml.nvmlDeviceGetHandleByUUID(first), first
    return pynvml.nvmlDeviceGetHandleByIndex(int(first)), first


def decode_throttle(mask: int) -> list[str]:
    return [name for bit, name in THROTTLE_REASONS.items() if mask & bit]


class GpuSampler:
    """Samples the GPU CUDA uses (see selected_gpu) every `interval` seconds, in a thread
    between start() and stop()."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.samples: list[dict] = []
        self.unavailable: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        try:
            import pynvml

            pynvml.nvmlInit()
            self._nvml = pynvml
            self._handle, _ = selected_gpu(pynvml)
        except Exception as error:  # no library, no driver or no visible GPU: all mean "no telemetry"
            self.unavailable = f"NVML unavailable: {error}"

    def start(self) -> None:
        self.samples = []
        if self.unavailable:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> dict:
        if self._thread:
            self._stop.set()
            self._thread.join()
            self._thread = None
        return summarise(self.samples, self.unavailable)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append(self.read())
            except Exception as error:  # an NVML query this driver lacks: stop, and say so
                self.unavailable = f"NVML read failed: {error}"
                return
            self._stop.wait(self.interval)

    def read(self) -> dict:
        nvml, h = self._nvml, self._handle
        return {
            "sm_clock_mhz": nvml.nvmlDeviceGetClockInfo(h, nvml.NVML_CLOCK_SM),
            "mem_clock_mhz": nvml.nvmlDeviceGetClockInfo(h, nvml.NVML_CLOCK_MEM),
            "temperature_c": nvml.nvmlDeviceGetTemperature(h, nvml.NVML_TEMPERATURE_GPU),
            "power_w": nvml.nvmlDeviceGetPowerUsage(h) / 1000.0,
            "utilization_pct": nvml.nvmlDeviceGetUtilizationRates(h).gpu,
            "throttle_mask": nvml.nvmlDeviceGetCurrentClocksEventReasons(h),
            "memory_used_bytes": nvml.nvmlDeviceGetMemoryInfo(h).used,  # every process's, on a lent GPU ours
        }


def summarise(samples: list[dict], unavailable: str | None = None) -> dict:
    if unavailable:
        return {"available": False, "reason": unavailable}
    if not samples:
        return {"available": True, "samples": 0}

    def spread(key: str) -> dict:
        values = [s[key] for s in samples]
        return {"min": min(values), "median": statistics.median(values), "max": max(values)}

    reasons = sorted({r for s in samples for r in decode_throttle(s["throttle_mask"])})
    throttled = sum(1 for s in samples if decode_throttle(s["throttle_mask"]))
    return {
        "available": True,
        "samples": len(samples),
        "sm_clock_mhz": spread("sm_clock_mhz"),
        "mem_clock_mhz": spread("mem_clock_mhz"),
        "temperature_c": spread("temperature_c"),
        "power_w": spread("power_w"),
        "utilization_pct": spread("utilization_pct"),
        "throttle_reasons": reasons,
        "memory_used_bytes": spread("memory_used_bytes"),
        "throttled_fraction": throttled / len(samples),
    }
