#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds, and starts
# lineaged on its embedded development default: data and dev keys in
# ./lineage-data (created on first start), plaintext gRPC with reflection
# and health on 127.0.0.1:50051. Extra arguments go to lineaged.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh lineaged lineagectl lineage-verify
exec "${BUILD_DIR:-build}/server/lineaged" "$@"
