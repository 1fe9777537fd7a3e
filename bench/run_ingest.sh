#!/usr/bin/env bash
# The ingest benchmark in one command: builds lineaged and ingest_bench, then
# runs the benchmark against a fresh server on loopback. Extra arguments go
# to ingest_bench (see `ingest_bench --help`), e.g.
#
#   bench/run_ingest.sh                       # defaults: 4 clients, 200k events
#   bench/run_ingest.sh --clients=8 --batch=200
#   BUILD_DIR=build-bench JOBS=1 bench/run_ingest.sh --events=50000
#
# Environment:
#   BUILD_DIR   build directory (default: build). An existing one is used as
#               configured; only LINEAGE_BUILD_BENCH is switched on if it was off.
#   BUILD_TYPE  for a new build directory: RelWithDebInfo (default) or Release.
#   JOBS        parallel build jobs (default: 2).
#
# Figures and how to read them: docs/benchmarks.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-build}"
case "$build" in /*) ;; *) build="$repo/$build" ;; esac
jobs="${JOBS:-2}"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  generator=()
  if command -v ninja >/dev/null; then generator=(-G Ninja); fi
  cmake -S "$repo" -B "$build" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DLINEAGE_BUILD_TESTS=OFF -DLINEAGE_BUILD_BENCH=ON
else
  cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
  if [[ "$(cache_value LINEAGE_BUILD_BENCH)" == "OFF" ]]; then
    cmake -S "$repo" -B "$build" -DLINEAGE_BUILD_BENCH=ON
  fi
  build_type="$(cache_value CMAKE_BUILD_TYPE)"
  case "${build_type:-RelWithDebInfo}" in
    Release | RelWithDebInfo) ;;
    *) echo "run_ingest.sh: warning: $build is a '$build_type' build; figures will be low" >&2 ;;
  esac
  if [[ "$(cache_value LINEAGE_SANITIZE)" == "ON" ]]; then
    echo "run_ingest.sh: warning: $build has sanitizers on; figures will be low" >&2
  fi
fi
cmake --build "$build" --parallel "$jobs" --target lineaged ingest_bench

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
exec "$build/bench/ingest_bench" --lineaged="$build/server/lineaged" "$@"
