#!/usr/bin/env bash
# A command's whole console log, as committed evidence is kept: when it started and ended, the command,
# everything it printed (stdout and stderr, in order), its time and exit status; paths inside the
# checkout shown relative to it. Run from the checkout's root, in a clone nobody edits meanwhile:
#   bash bench/console_log.sh paper/make-reproduce.log make reproduce OUT=paper BASE=local ARGS=--force
set -uo pipefail
log=${1:?usage: console_log.sh LOG COMMAND...}
shift
mkdir -p "$(dirname "$log")"
{
  echo "started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# (paths inside the checkout are shown relative to it: the machine's checkout folder is written as .)"
  echo "\$ $*"
  time "$@"
  echo "exit: $?"
  echo "ended $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} 2>&1 | sed -u "s#$PWD#.#g" > "$log.part"
mv "$log.part" "$log"
tail -n 3 "$log"
