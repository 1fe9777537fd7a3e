#!/usr/bin/env bash
# Crash-safety harness: the real lineaged under concurrent signed ingestion,
# killed with SIGKILL at random moments (every fifth cycle SIGTERM instead,
# which must drain in-flight appends and exit 0), restarted, and checked
# after every cycle:
#   - crash_load check (over gRPC): every acknowledged event is at its index
#     with the same bytes, no index or event ID is used twice, every
#     checkpoint ever handed out is consistent with the recovered log, and
#     the log takes writes;
#   - lineaged --verify (offline, server stopped): every leaf, node, root,
#     signature and derived index re-derived from a replay of the log, and
#     the newest checkpoint a client holds matched.
#
# Along the way it takes an online backup during ingestion (cycle 2), runs
# the online integrity check at the end, and restores that backup into a
# fresh directory with lineaged --restore_from --verify.
#
#   tests/crash/crash_test.sh LINEAGED LINEAGECTL CRASH_LOAD [CYCLES]
#   CRASH_CYCLES=50 CRASH_CLIENTS=4 tests/crash/crash_test.sh ...   (the long run)
#
# CI runs 5 cycles (ctest -L crash). Prints one line per cycle and a summary;
# exits non-zero at the first failed check, keeping the work directory.
set -euo pipefail
usage="usage: crash_test.sh LINEAGED LINEAGECTL CRASH_LOAD [CYCLES]"
lineaged=${1:?$usage}
lineagectl=${2:?$usage}
crash_load=${3:?$usage}
cycles=${4:-${CRASH_CYCLES:-5}}
clients=${CRASH_CLIENTS:-4}
work=$(mktemp -d "${TMPDIR:-/tmp}/lineage-crash-XXXXXX")
data=$work/data
journal=$work/journal
port=$("$crash_load" free-port)
addr=127.0.0.1:$port
prefix=crash-$$-$RANDOM
server_pid=
load_pid=

cleanup() {
  [ -n "$load_pid" ] && kill -9 "$load_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
fail() {
  echo "crash_test: FAILED in cycle $cycle: $*" >&2
  echo "crash_test: work directory kept: $work" >&2
  for f in "$work"/lineaged.*.log; do [ -f "$f" ] && { echo "--- $f (tail)"; tail -5 "$f"; }; done >&2
  cleanup
  exit 1
}
trap cleanup EXIT

start_server() {
  "$lineaged" --data_dir="$data" --listen="$addr" --shutdown_grace_seconds=10 \
    >"$work/lineaged.$cycle.log" 2>&1 &
  server_pid=$!
}
client_flags=(--server="$addr" --key="$data/keys/dev-producer.pem" --vkey="$data/keys/log.pem.vkey"
              --journal="$journal" --prefix="$prefix")

kills=0; terms=0; start=$(date +%s)
for cycle in $(seq 1 "$cycles"); do
  start_server
  # The first start creates the keys; wait for them.
  for _ in $(seq 1 300); do [ -f "$data/keys/dev-producer.pem" ] && [ -f "$data/keys/log.pem.vkey" ] && break; sleep 0.1; done
  check=$("$crash_load" check "${client_flags[@]}" 2>&1) || fail "check after restart: $check"

  "$crash_load" load "${client_flags[@]}" --clients="$clients" 2>>"$work/load.log" &
  load_pid=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 + (r % 2200) / 1000 }')"
  kill -0 "$load_pid" 2>/dev/null || fail "the load stopped by itself: $(tail -3 "$work/load.log")"
  if [ "$cycle" -eq 2 ]; then
    backup=$("$lineagectl" --server="$addr" backup --name=during-cycle-2 2>&1) || fail "online backup: $backup"
  fi

  if [ $((cycle % 5)) -eq 0 ]; then
    how=SIGTERM; terms=$((terms + 1))
    kill -TERM "$server_pid"
    rc=0; wait "$server_pid" || rc=$?
    [ "$rc" -eq 0 ] || fail "SIGTERM: lineaged exited with $rc"
    grep -q "stopped" "$work/lineaged.$cycle.log" || fail "SIGTERM: no clean stop in the log"
  else
    how=SIGKILL; kills=$((kills + 1))
    kill -KILL "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
  kill -KILL "$load_pid"; wait "$load_pid" 2>/dev/null || true; load_pid=

  "$crash_load" last-checkpoint --journal="$journal" >"$work/client.checkpoint" 2>/dev/null || true
  vflags=(--data_dir="$data" --verify)
  [ -s "$work/client.checkpoint" ] && vflags+=(--verify_checkpoints="$work/client.checkpoint")
  verified=$("$lineaged" "${vflags[@]}" 2>&1) || fail "offline verify: $verified"
  echo "cycle $cycle/$cycles ($how): ${check#check ok: } | ${verified%%;*}"
done

cycle=final
start_server
check=$("$crash_load" check "${client_flags[@]}" 2>&1) || fail "final check: $check"
online=$("$lineagectl" --server="$addr" verify-integrity --wait 2>&1) || fail "online integrity check: $online"
kill -TERM "$server_pid"; wait "$server_pid" || fail "final SIGTERM"; server_pid=
if [ "$cycles" -ge 2 ]; then
  restored=$("$lineaged" --data_dir="$work/restored" --restore_from="$data/backups/during-cycle-2" \
    --vkey="$data/keys/log.pem.vkey" --verify 2>&1) || fail "restore of the cycle-2 backup: $restored"
  echo "restore: ${restored##*verified the restored copy in }"
fi
echo "crash_test: PASSED $cycles cycles ($kills SIGKILL, $terms SIGTERM) in $(( $(date +%s) - start ))s; final: ${check#check ok: }"
rm -rf "$work"
