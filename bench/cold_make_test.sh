#!/usr/bin/env bash
# `make test` as CI runs it, cold, timed: a fresh clone of a commit, with nothing it installs or builds
# already here (no Docker image, no uv/pip cache, mmdebstrap/Slurm/munge not installed), its whole console
# log kept with its dates (bench/console_log.sh), and beside it LOG's name with -recipes.txt: when each make
# step started and ended (bench/recipe_clock.sh). Needs root, as `make test` does. Removes this machine's
# Docker images and the Debian packages named, as a newcomer's machine would lack them.
#   bash bench/cold_make_test.sh [COMMIT] [LOG]     # defaults: HEAD, bench/results/make-test.log
set -euo pipefail
commit=$(git rev-parse --short "${1:-HEAD}")
log=$(realpath -m "${2:-bench/results/make-test.log}")
recipes=${log%.log}-recipes.txt
here=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
docker ps -aq | xargs -r docker rm -f >/dev/null
docker image prune -af >/dev/null
docker builder prune -af >/dev/null
rm -rf ~/.cache/uv ~/.cache/pip
apt-get purge -y -q slurmctld slurmd slurm-client munge mmdebstrap >/dev/null 2>&1 || true
apt-get autoremove -y -q >/dev/null 2>&1 || true  # what they pulled in
apt-get clean  # and the packages apt keeps: a newcomer downloads them
git clone -q "$here" "$work/cudnn-rnn-repro"
cd "$work/cudnn-rnn-repro"
git checkout -q "$commit"
: > "$recipes.part"
export RECIPE_CLOCK_T0 RECIPE_CLOCK_LOG=$recipes.part
RECIPE_CLOCK_T0=$(date +%s.%N)
bash bench/console_log.sh "$log" bash -c "git log -1 --format='cold fresh clone at %h (%ad)' --date=iso &&
  bash .ci/run SHELL=$PWD/bench/recipe_clock.sh"
{ echo "# start end exit | recipe line (seconds from the start; $(basename "$log"))"; sort -n "$recipes.part" | sed "s#$PWD#.#g"; } > "$recipes"
rm "$recipes.part"
