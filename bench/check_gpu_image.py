"""`make check-gpu-image`: the GPU image built offline and checked on a machine without a GPU.

Inside it, with the network off and the run's own lock-down: TensorFlow's CUDA build and every
CUDA library it opens by soname against gpu.lock (`reproduce.py check-gpu-stack`), then a smoke
run of the four models, whose cuDNN pair must be "not run: no CUDA GPU" and plain pair must run.
The base: --base, else the local Debian 12 with --local-base (what make passes without BASE),
else the Dockerfile's pinned one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from cudnn_repro import ROOT
from cudnn_repro.launch import engine
from cudnn_repro.launch.container import (
    LOCAL_BASE,
    VARIANTS,
    build_image,
    container_user,
    local_base,
    mounts_for,
)
from cudnn_repro.launch.image import INNER_OUT
from cudnn_repro.variables import OFFLINE_ENV

OUT = ROOT / "build" / "check-gpu-image"  # the smoke run's results, and a failed container's log
WANTED = {
    "LSTM": ("ok", None),
    "GRU": ("ok", None),
    "CuDNNLSTM": ("not_run", "no CUDA GPU visible to TensorFlow"),
    "CuDNNGRU": ("not_run", "no CUDA GPU visible to TensorFlow"),
}


def in_image(client, image: str, command: list[str], out: Path) -> str:
    """One command in the image as a run gets it: no network, read-only root, no GPU asked for."""
    env = {"HOME": "/tmp", OFFLINE_ENV: "1"}
    return engine.run(client, image, command, mounts_for(out, None), env, container_user(out), False, out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="base image (default: the Dockerfile's pinned one)")
    parser.add_argument("--local-base", action="store_true", help="build on the local Debian 12 base (mmdebstrap)")
    args = parser.parse_args()
    client = engine.connect()
    if args.local_base:
        local_base(client)
    base = LOCAL_BASE if args.local_base else args.base
    start = time.perf_counter()
    image = build_image(client, VARIANTS["gpu"], ROOT / "wheelhouse", base)
    info = client.images.get(image)
    print(f"image {image}: {info.attrs['Size'] / 2**30:.2f} GiB, base {base or 'pinned'}, "
          f"built or reused in {time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip
    print(f"labels: cuda {info.labels['io.cudnn-repro.cuda']}, cudnn {info.labels['io.cudnn-repro.cudnn']}", flush=True)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    print("--- reproduce.py check-gpu-stack, in the image, network off", flush=True)
    print(in_image(client, image, ["check-gpu-stack"], OUT).rstrip(), flush=True)
    print("--- reproduce.py run --profile smoke --data synthetic, in the image, network off, no GPU", flush=True)
    in_image(client, image, ["run", "--profile", "smoke", "--data", "synthetic", "--out", INNER_OUT], OUT)
    results = json.loads((OUT / "results.json").read_text())
    seen = {r["model"]: (r["status"], r.get("reason")) for r in results["runs"]}
    print(f"self-test: {results['environment']['gpu_self_test']}")
    for name, want in WANTED.items():
        print(f"{name}: {seen.get(name)} (wanted {want})")
    if seen != WANTED:
        print("error: the smoke run in the GPU image did not run the models as a machine without a GPU must")
        return 1
    print("check-gpu-image: passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except engine.EngineError as error:
        sys.exit(f"error: {error}")
