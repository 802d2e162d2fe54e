#!/usr/bin/env bash
# GPU evidence from the frameworks' own kernels, the checks no CPU can make (at most 9 minutes, one
# device call). Each stage writes OUT_DIR/TAG-<stage>/ (results.json, REPORT.md):
#   1. TAG-jax-paper      the article's kind first: Keras 3 on JAX, whose plain LSTM is a compiled XLA
#                         loop (lax.scan) as the article's was, against LSTM(use_cudnn=True) on cuDNN, at
#                         the article's size, 3 interleaved repeats, TF32 off (matmul precision
#                         "highest"); then what the cuDNN call was asked (bench/jax_cudnn_call.py: its
#                         custom call and attributes, the XLA flags). JAX has no cuDNN GRU. The limit is
#                         set from the committed H100 set (runs/h100-jax: LSTM and CuDNNLSTM about 60 s
#                         a fit at this size): 6 fits and their compilation.
#   2. TAG-torch-quick    plain PyTorch, the four models, quick profile, 3 interleaved repeats: the
#                         cuDNN pair on cuDNN, the plain pair on PyTorch's native GPU kernels
#   3. TAG-torch-paper    plain PyTorch at the article's size, cuDNN pair first (about 26 s a fit on
#                         the H200, runs/h200-torch-cudnn-paper): what finishes in its limit is kept,
#                         and validates stage 2's prediction
#
#   bash bench/gpu_check.sh OUT_DIR GPU_TAG            # e.g. bash bench/gpu_check.sh paper/runs h200
#   bash bench/gpu_check.sh OUT_DIR GPU_TAG --dry-run  # on a CPU: every stage's command, smoke-sized
#
# Needs Python with PyTorch (a CUDA build), JAX with CUDA and an NVIDIA GPU. What the runs import beyond
# that machine's packages comes as wheels in .whl/ (`make gpu-wheels` on a machine with PyPI:
# requirements/gpu-wheels.txt). Each stage has a time limit (seconds, overridable); results are saved
# after every model, so a stage cut short keeps its finished runs. --dry-run runs each stage's
# exact command with the smoke profile appended (later options win), so a typo fails here, not on
# the borrowed GPU.
set -uo pipefail
out=${1:?usage: gpu_check.sh OUT_DIR GPU_TAG [--dry-run]}
tag=${2:?usage: gpu_check.sh OUT_DIR GPU_TAG [--dry-run]}
dry=${3:-}
python=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
if compgen -G ".whl/*.whl" >/dev/null; then
  "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
mkdir -p "$out"
small=()
cap=  # a stage's limit is the GPU's budget; a dry run on a busy CPU is only held to finish
if [ "$dry" = --dry-run ]; then
  small=(--profile smoke --repeats 1 --epochs 1 --train-samples 100 --test-samples 100)
  cap=600
elif [ -n "$dry" ]; then
  echo "usage: gpu_check.sh OUT_DIR GPU_TAG [--dry-run]" >&2
  exit 2
else
  nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,power.limit --format=csv
fi

stage() {  # stage SECONDS NAME KERAS_BACKEND ARGS...
  local limit=${cap:-$1} name=$2 backend=$3
  shift 3
  echo "== $name: at most $limit s: KERAS_BACKEND=$backend reproduce.py run $* --data synthetic --force ${small[*]}"
  KERAS_BACKEND=$backend timeout "$limit" "$python" reproduce.py run "$@" --data synthetic --force "${small[@]}" \
    --out "$out/$tag-$name"
  echo "== $name: exit $?"
}

stage "${JAX_PAPER_LIMIT:-380}" jax-paper jax --stack keras3 --profile paper --repeats 3 --models LSTM,CuDNNLSTM
KERAS_BACKEND=jax PYTHONPATH=.${PYTHONPATH:+:$PYTHONPATH} timeout "${cap:-40}" "$python" bench/jax_cudnn_call.py
echo "== jax-cudnn-call: exit $?"
stage "${TORCH_QUICK_LIMIT:-50}" torch-quick torch --stack torch --profile quick --repeats 3
stage "${TORCH_PAPER_LIMIT:-50}" torch-paper torch --stack torch --profile paper --repeats 2 \
  --models CuDNNLSTM,CuDNNGRU,LSTM,GRU
# The paper-size report again, its times beside what the quick profile predicted for them.
paper=$out/$tag-torch-paper/results.json quick=$out/$tag-torch-quick/results.json
if [ -f "$paper" ] && [ -f "$quick" ]; then
  "$python" reproduce.py report "$paper" --quick "$quick"
  echo "== validation: exit $?"
fi
