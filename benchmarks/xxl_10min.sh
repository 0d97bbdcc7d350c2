#!/usr/bin/env bash
# XXL Belgium at a fixed wall budget per solver (default 600 s), as in docs/benchmarks.md.
# Single-core peers (PyVRP, OR-Tools) run two at a time, one per core; ours (two cores)
# runs alone. VROOM (its timeout is loose; it overran 60 s by 2x on 3,000 customers)
# only on the instances named in VROOM_ON, two at a time.
#   bash benchmarks/xxl_10min.sh DIR [SECS] > benchmarks/results/cvrp_xxl_10min.csv
set -euo pipefail
DIR=${1:?instance directory}
SECS=${2:-600}
VROOM_ON=${VROOM_ON:-Leuven1,Antwerp1}
PY=${PYTHON:-python}
HERE=$(cd "$(dirname "$0")" && pwd)
echo "instance,n,bks,solver,cost,gap_pct,seconds,feasible"
for f in $(ls "$DIR"/*.vrp | xargs -n1 basename | sed 's/\.vrp$//' | sort); do
  a=$(mktemp); b=$(mktemp)
  "$PY" "$HERE/cvrp.py" "$DIR" --secs "$SECS" --only "$f" --solvers pyvrp --no-header > "$a" &
  "$PY" "$HERE/cvrp.py" "$DIR" --secs "$SECS" --only "$f" --solvers ortools --no-header > "$b"
  wait
  cat "$a" "$b"; rm -f "$a" "$b"
  "$PY" "$HERE/cvrp.py" "$DIR" --secs "$SECS" --only "$f" --solvers hinterland --no-header
done
outs=()
for f in ${VROOM_ON//,/ }; do  # one core each, at most two at a time
  o=$(mktemp); outs+=("$o")
  "$PY" "$HERE/cvrp.py" "$DIR" --secs "$SECS" --only "$f" --solvers vroom --no-header > "$o" &
  if (( ${#outs[@]} % 2 == 0 )); then wait; fi
done
wait
cat "${outs[@]}"; rm -f "${outs[@]}"
