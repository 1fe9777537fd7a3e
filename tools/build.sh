#!/usr/bin/env bash
# Configures and builds Lineage Ledger in ./build (or $BUILD_DIR).
# Extra arguments are passed to ninja (targets, -v ...).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} \
    ${CMAKE_ARGS:-} >/dev/null
fi
jobs=${JOBS:-$(nproc)}
ninja -C "$build_dir" -j "$jobs" "$@"
