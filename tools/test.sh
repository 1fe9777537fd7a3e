#!/usr/bin/env bash
# Quick start, command 2 (and what CI runs): installs what is missing,
# builds everything, and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "${JOBS:-$(nproc)}" "$@"
