#!/usr/bin/env bash
# GPU evidence: the four models under Keras 3 on the torch backend, and the LSTM pair on
# JAX, quick profile with interleaved repeats, kernel provenance and NVML telemetry on.
#
#   bash bench/gpu_check.sh OUT_DIR GPU_TAG     # e.g. bash bench/gpu_check.sh paper/runs h100
#
# Needs Python with PyTorch and JAX (CUDA builds) and an NVIDIA GPU. Keras and its two
# missing dependencies can come as wheels in .whl/ (`make gpu-wheels` on a machine with
# PyPI), for machines that cannot reach an index. Each stage has a time limit; results are
# saved after every model, so a stage cut short still leaves its finished runs and report.
set -uo pipefail
out=${1:?usage: gpu_check.sh OUT_DIR GPU_TAG}
tag=${2:?usage: gpu_check.sh OUT_DIR GPU_TAG}
python=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
if compgen -G ".whl/*.whl" >/dev/null; then
  "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
mkdir -p "$out"
nvidia-smi

stage() {  # stage SECONDS BACKEND NAME ARGS...
  local limit=$1 backend=$2 name=$3
  shift 3
  echo "== $name: KERAS_BACKEND=$backend, at most $limit s"
  KERAS_BACKEND=$backend timeout "$limit" "$python" reproduce.py "$@" --out "$out/$name"
  local rc=$?
  [ -f "$out/$name/results.json" ] && "$python" reproduce.py report "$out/$name/results.json"
  return $rc
}

# A seconds-long check that the torch path and its provenance work before the real runs.
stage 120 torch smoke-torch --profile smoke --data synthetic --force || exit 1
rm -rf "${out:?}/smoke-torch"
stage "${TORCH_LIMIT:-300}" torch "$tag-torch" --profile quick --repeats 3 --data synthetic --force
stage "${JAX_LIMIT:-120}" jax "$tag-jax" --profile quick --repeats 3 --models LSTM,CuDNNLSTM --data synthetic --force
