#!/usr/bin/env bash
# GPU evidence under Keras 3 on the torch backend, the checks no CPU can make:
#   1. TAG-torch-cudnn-quick        the cuDNN pair, quick profile, 3 interleaved repeats (TF32 off)
#   2. TAG-torch-cudnn-paper        the cuDNN pair at the article's size, 2 repeats: validates 1
#   3. TAG-torch-cudnn-quick-tf32   as 1 with --tf32: what TF32 does to the cuDNN times
#   4. TAG-torch                    the four models, quick profile, 3 interleaved repeats
#
#   bash bench/gpu_check.sh OUT_DIR GPU_TAG     # e.g. bash bench/gpu_check.sh paper/runs h200
#
# Needs Python with PyTorch (a CUDA build) and an NVIDIA GPU. Keras and its two missing
# dependencies can come as wheels in .whl/ (`make gpu-wheels` on a machine with PyPI).
# Each stage has a time limit (seconds, overridable); results are saved after every model,
# so a stage cut short keeps its finished runs.
set -uo pipefail
out=${1:?usage: gpu_check.sh OUT_DIR GPU_TAG}
tag=${2:?usage: gpu_check.sh OUT_DIR GPU_TAG}
python=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 KERAS_BACKEND=torch
if compgen -G ".whl/*.whl" >/dev/null; then
  "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,power.limit --format=csv

stage() {  # stage SECONDS NAME ARGS...
  local limit=$1 name=$2
  shift 2
  echo "== $name: at most $limit s: reproduce.py --stack keras3 $* --data synthetic --force"
  timeout "$limit" "$python" reproduce.py run --stack keras3 "$@" --data synthetic --force --out "$out/$name"
  echo "== $name: exit $?"
}

cudnn=CuDNNLSTM,CuDNNGRU
stage "${QUICK_LIMIT:-60}" "$tag-torch-cudnn-quick" --profile quick --repeats 3 --models $cudnn
stage "${PAPER_LIMIT:-170}" "$tag-torch-cudnn-paper" --profile paper --repeats 2 --models $cudnn
stage "${QUICK_LIMIT:-60}" "$tag-torch-cudnn-quick-tf32" --profile quick --repeats 3 --models $cudnn --tf32
stage "${FOUR_LIMIT:-280}" "$tag-torch" --profile quick --repeats 3
