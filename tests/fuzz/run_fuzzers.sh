#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build dir and runs
# each for a bounded time, starting from a temporary copy of the corpus in
# tests/fuzz/corpus/ (the repo's corpus is never modified). Fails if any
# input crashes, leaks, trips ASan/UBSan, times out or breaks a fuzzer's
# invariant; the reproducer is kept in <build dir>/artifacts/.
# ctest runs it (label fuzz) from the regular gcc build.
#
#   tests/fuzz/run_fuzzers.sh [build dir]         # default ./build-fuzz
#   FUZZ_SECONDS=600 FUZZERS=proof_fuzzer tests/fuzz/run_fuzzers.sh
#
# Environment: FUZZ_SECONDS (per fuzzer, default 20), FUZZERS (names,
# default all), JOBS (build parallelism, default nproc), CXX (clang++).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-$repo/build-fuzz}
seconds=${FUZZ_SECONDS:-20}
jobs=${JOBS:-$(nproc)}
read -r -a fuzzers <<<"${FUZZERS:-event_fuzzer envelope_fuzzer proof_fuzzer checkpoint_fuzzer record_fuzzer}"

find_tool() {
  for name in "$@"; do
    if command -v "$name" >/dev/null; then command -v "$name"; return; fi
  done
  echo "run_fuzzers: none of $* found; tools/install-deps.sh installs clang" >&2
  exit 1
}
cxx=${CXX:-$(find_tool clang++ clang++-14)}
case "$("$cxx" --version)" in
  *clang*) ;;
  *) echo "run_fuzzers: $cxx is not clang" >&2; exit 1 ;;
esac

start=$SECONDS
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$repo" -B "$build_dir" -G Ninja \
    -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DLINEAGE_FUZZ=ON -DLINEAGE_BUILD_TESTS=OFF -DLINEAGE_BUILD_BENCH=OFF >/dev/null
fi
ninja -C "$build_dir" -j "$jobs" fuzzers >"$build_dir/fuzz-build.log" 2>&1 || {
  tail -n 60 "$build_dir/fuzz-build.log"
  exit 1
}
echo "run_fuzzers: built in $((SECONDS - start)) s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts="$build_dir/artifacts"
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for fuzzer in "${fuzzers[@]}"; do
  corpus="$work/$fuzzer"
  mkdir -p "$corpus"
  cp -r "$repo/tests/fuzz/corpus/$fuzzer/." "$corpus/"
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
           -artifact_prefix="$artifacts/$fuzzer-")
  dict="$repo/tests/fuzz/$fuzzer.dict"
  [ -f "$dict" ] && options+=(-dict="$dict")
  log="$build_dir/$fuzzer.log"
  if "$build_dir/tests/fuzz/$fuzzer" "${options[@]}" "$corpus" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    echo "run_fuzzers: $fuzzer OK: ${execs:-?} inputs in ${seconds} s (${rate:-?}/s), $cov"
  else
    echo "run_fuzzers: $fuzzer FAILED; its log ($log) ends:" >&2
    tail -n 40 "$log" >&2
    ls "$artifacts" | sed "s|^|  reproducer: $artifacts/|" | grep "/$fuzzer-" >&2 || true
    failed=1
  fi
done
echo "run_fuzzers: done in $((SECONDS - start)) s"
exit "$failed"
