#!/usr/bin/env bash
# make's SHELL for a timed run (bench/cold_make_test.sh): runs each recipe line as bash would and appends
# "start end exit | command" (seconds since RECIPE_CLOCK_T0, the command's first 100 characters) to
# RECIPE_CLOCK_LOG, so a cold `make test`'s log shows which step waited for which.
#   make SHELL=$PWD/bench/recipe_clock.sh RECIPE_CLOCK_T0=$(date +%s.%N) RECIPE_CLOCK_LOG=FILE test
shift  # make passes -c, then the recipe line
start=$(date +%s.%N)
/bin/bash -c "$1"
status=$?
end=$(date +%s.%N)
awk -v t0="$RECIPE_CLOCK_T0" -v s="$start" -v e="$end" -v x="$status" -v c="${1:0:100}" \
  'BEGIN { gsub(/\n/, " ", c); printf "%7.1f %7.1f %3d | %s\n", s - t0, e - t0, x, c }' >> "$RECIPE_CLOCK_LOG"
exit $status
