#!/usr/bin/env bash
# Recovery point and recovery time of an online backup, on a ledger of
# EVENTS signed events (default 1,000,000), with the real binaries:
#
#   bench/recovery.sh [BUILD_DIR] [EVENTS]        (docs/operations.md, "Backup")
#
# 1. lineaged runs; crash_load (tests/crash) ingests EVENTS events from 4
#    producers in batches of 1-200, journaling every acknowledgement.
# 2. Half-way, `lineagectl backup` runs while ingestion goes on. The journal's
#    size at that moment marks what was acknowledged before the backup.
# 3. When all EVENTS are in, a second backup of the whole ledger is taken.
# 4. RPO: the mid-ingestion backup is restored into a fresh directory
#    (lineaged --restore_from: copy, full integrity check, serve) and
#    crash_load check confirms every event acknowledged before the backup
#    started is there at its index with its bytes, and every checkpoint
#    handed out before it is consistent with the restored log.
# 5. RTO: the full backup is restored into a fresh directory and the clock
#    runs until lineaged answers grpc.health.v1 SERVING.
# Needs ~3x the ledger's size in free disk under $BENCH_DIR (default /var/tmp).
set -euo pipefail
build=${1:-build}
events=${2:-1000000}
lineaged=$build/server/lineaged
ctl=$build/tools/lineagectl
load=$build/tests/crash/crash_load
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/lineage-recovery-XXXXXX")
port=$("$load" free-port)
addr=127.0.0.1:$port
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
wait_serving() {
  for _ in $(seq 1 6000); do
    "$ctl" --server="$addr" --timeout_seconds=1 health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

echo "recovery bench: $events events, work directory $work"
"$lineaged" --data_dir="$work/data" --listen="$addr" >"$work/lineaged.log" 2>&1 &
pids+=($!); server=$!
wait_serving
flags=(--server="$addr" --key="$work/data/keys/dev-producer.pem" --vkey="$work/data/keys/log.pem.vkey"
       --journal="$work/journal" --prefix=recovery)
start=$(now)
"$load" load "${flags[@]}" --clients=4 --max_batch=200 --events="$events" 2>"$work/load.log" &
pids+=($!); loader=$!
while [ "$(grep -c '^E ' "$work/journal" 2>/dev/null || echo 0)" -lt $((events / 2)) ]; do sleep 1; done
rpo_bytes=$(stat -c %s "$work/journal")
acked_before=$(head -c "$rpo_bytes" "$work/journal" | grep -c '^E ')
b=$(now)
"$ctl" --server="$addr" --timeout_seconds=600 backup --name=during-ingest >"$work/backup1.json"
backup1=$(since "$b")
wait "$loader"
ingest=$(since "$start")
b=$(now)
"$ctl" --server="$addr" --timeout_seconds=600 backup --name=full >"$work/backup2.json"
backup2=$(since "$b")
rss=$(awk '/VmHWM/ {print $2 / 1024 " MiB"}' /proc/$server/status)
size=$(du -sh "$work/data/db" | cut -f1)
kill -TERM "$server"; wait "$server" || true

# RPO: restore the backup taken during ingestion and check what it must hold.
"$lineaged" --data_dir="$work/rpo" --listen="$addr" --vkey="$work/data/keys/log.pem.vkey" \
  --log_key_file="$work/data/keys/log.pem" --dev_keys=false \
  --restore_from="$work/data/backups/during-ingest" >"$work/rpo.log" 2>&1 &
pids+=($!); server=$!
wait_serving || { cat "$work/rpo.log"; exit 1; }
rpo_check=$("$load" check "${flags[@]}" --journal_bytes="$rpo_bytes")
kill -TERM "$server"; wait "$server" || true

# RTO: restore the full backup into a fresh directory, until it serves.
b=$(now)
"$lineaged" --data_dir="$work/rto" --listen="$addr" --vkey="$work/data/keys/log.pem.vkey" \
  --log_key_file="$work/data/keys/log.pem" --dev_keys=false \
  --restore_from="$work/data/backups/full" >"$work/rto.log" 2>&1 &
pids+=($!); server=$!
wait_serving || { cat "$work/rto.log"; exit 1; }
rto=$(since "$b")
served=$("$ctl" --server="$addr" status | grep -o '"treeSize": "[0-9]*"')
kill -TERM "$server"; wait "$server" || true

echo "ingest:  $events events in ${ingest}s ($(awk -v n="$events" -v t="$ingest" 'BEGIN { printf "%d", n / t }') events/s), database $size, peak RSS $rss"
echo "backup:  during ingestion ${backup1}s (took $(grep -o '"took": "[^"]*"' "$work/backup1.json" | cut -d'"' -f4) on the server), of the full ledger ${backup2}s"
echo "RPO:     $acked_before events acknowledged before the backup started; restored and checked: ${rpo_check#check ok: }"
echo "RTO:     ${rto}s from lineaged --restore_from to SERVING, $served"
grep -E "restored backup|verified the restored" "$work/rto.log" | sed 's/^/         /'
