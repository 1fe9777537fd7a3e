#!/usr/bin/env bash
# Installs the Debian 12 packages Lineage Ledger builds and tests with, if any
# are missing (python3-yaml, yamllint and systemd only for the deploy/ checks;
# clang and libclang-rt-14-dev, which holds libFuzzer, only for tests/fuzz/).
# Idempotent: does nothing when everything is present.
# Runs apt-get as root, or through sudo when started by another user.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  librocksdb-dev libabsl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-yaml yamllint systemd
  clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
