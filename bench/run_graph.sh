#!/usr/bin/env bash
# The lineage graph benchmark in one command: lineaged against PostgreSQL 15
# on the same synthetic ML lineage graph (~1M nodes, ~5M edges), same
# queries, answers checked equal, p50/p99 side by side.
#
#   bench/run_graph.sh                 # reuses the cached graph if there is one
#   bench/run_graph.sh --fresh         # regenerate and re-ingest everything
#   ROUNDS=5 SAMPLES=40 bench/run_graph.sh
#
# Steps (each cached under $GRAPH_BENCH_DIR, redone only when missing):
#   1. build lineaged and the bench tools (ninja, $JOBS jobs);
#   2. install postgresql-15 and libpq-dev with apt if missing;
#   3. generate the graph's signed events and ingest them through
#      AppendEvents into a fresh lineaged (graph_ingest);
#   4. stop it and export its nodes, edges and subject index (graph_export);
#   5. initdb a PostgreSQL cluster on a free loopback port (as the postgres
#      user when run as root), COPY the same rows in, index, VACUUM ANALYZE;
#   6. start both, run graph_query_bench, print the table and memory.
#
# Environment:
#   GRAPH_BENCH_DIR  cache and work directory (default /var/tmp/lineage-graph-bench)
#   BUILD_DIR        build directory (default build-gbench, Release)
#   JOBS             build jobs (default 2)
#   PIPELINES, DAYS  graph size (default 46 teams x 150 days)
#   ROUNDS, SAMPLES  timed passes and start points per shape (default 3, 60)
#   SHAPES           comma-separated subset of shapes (default all)
#   PAGE_SIZE        nodes per streamed page asked of lineaged (default
#                    100000, the API's largest; PostgreSQL sends one result)
#   PG_SHARED_BUFFERS, PG_WORK_MEM, PG_EFFECTIVE_CACHE_SIZE, PG_JIT
#                    PostgreSQL settings (default 3GB, 64MB, 12GB, off)
#   IMPACT_WITNESS   DeletionImpact witness form: predecessor (default; one ID
#                    per node) or full (every node's whole path; messages)
#   LAYOUT           answer layout asked of lineaged: columns (default; packed
#                    node IDs, kinds and depths) or messages (a Node each)
#   CONCURRENCY=N    also run each shape from N clients at once on both sides
#   WAIT_QUIET=1     wait (up to 30 min) for a 1-minute load average below 1
#   LINEAGED_GLIBC_TUNABLES  lineaged's GLIBC_TUNABLES (default
#                    glibc.malloc.hugetlb=1, as deploy/ sets it; "" for none)
#
# Figures and how to read them: docs/benchmarks-graph.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${GRAPH_BENCH_DIR:-/var/tmp/lineage-graph-bench}"
build="${BUILD_DIR:-build-gbench}"
case "$build" in /*) ;; *) build="$repo/$build" ;; esac
jobs="${JOBS:-2}"
pipelines="${PIPELINES:-46}"
days="${DAYS:-150}"
pgbin=/usr/lib/postgresql/15/bin

log() { echo "run_graph.sh: $*" >&2; }
die() { log "$*"; exit 1; }

if [[ "${1:-}" == "--fresh" ]]; then
  log "removing the cached graph in $dir"
  rm -rf "$dir"
elif [[ $# -gt 0 ]]; then
  die "unknown argument $1 (only --fresh)"
fi
mkdir -p "$dir/logs"

# --- 1-2. Packages and build -------------------------------------------------
missing=()
[[ -x "$pgbin/postgres" ]] || missing+=(postgresql-15)
[[ -f /usr/include/postgresql/libpq-fe.h ]] || missing+=(libpq-dev)
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

if ((${#missing[@]})) && [[ -f "$build/CMakeCache.txt" ]]; then
  cmake -U '__pkg_config_checked_LIBPQ' -U 'LIBPQ_*' "$build" >/dev/null  # Look for libpq again.
fi
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DLINEAGE_BUILD_TESTS=OFF -DLINEAGE_BUILD_BENCH=ON
fi
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")"
[[ "$build_type" == Release || "$build_type" == RelWithDebInfo ]] ||
  log "warning: $build is a '$build_type' build; lineaged's figures will be low"
cmake --build "$build" --parallel "$jobs" --target lineaged graph_ingest graph_export graph_query_bench
bin="$build/bench/graph"

free_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free loopback port"
}

lineaged_pid=""
pg_started=""
cleanup() {
  if [[ -n "$lineaged_pid" ]] && kill -0 "$lineaged_pid" 2>/dev/null; then
    kill -TERM "$lineaged_pid"; wait "$lineaged_pid" 2>/dev/null || true
  fi
  if [[ -n "$pg_started" ]]; then as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null || true; fi
}
trap cleanup EXIT

start_lineaged() {  # start_lineaged PORT: starts it, waits until it serves.
  local port="$1" t0
  t0=$(date +%s%N)
  # With malloc's heap on transparent huge pages, as deploy/ runs it.
  GLIBC_TUNABLES="${LINEAGED_GLIBC_TUNABLES-glibc.malloc.hugetlb=1}" \
    "$build/server/lineaged" --data_dir="$dir/lineage/data" --listen="127.0.0.1:$port" \
    >>"$dir/logs/lineaged.log" 2>&1 &
  lineaged_pid=$!
  for _ in $(seq 1 1200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      lineaged_start_ms=$((($(date +%s%N) - t0) / 1000000))
      return
    fi
    kill -0 "$lineaged_pid" 2>/dev/null || die "lineaged exited; see $dir/logs/lineaged.log"
    sleep 0.25
  done
  die "lineaged did not listen within 5 minutes"
}

stop_lineaged() {
  kill -TERM "$lineaged_pid"
  wait "$lineaged_pid" || die "lineaged did not stop cleanly; see $dir/logs/lineaged.log"
  lineaged_pid=""
}

# --- 3. Generate and ingest (cached) -----------------------------------------
shape="pipelines=$pipelines days=$days"
if [[ ! -f "$dir/lineage/ingest.done" || "$(cat "$dir/lineage/ingest.done")" != "$shape" ]]; then
  log "generating and ingesting the graph ($shape); this takes several minutes"
  rm -rf "$dir/lineage" "$dir/export" "$dir/pg"
  mkdir -p "$dir/lineage"
  port=$(free_port)
  start_lineaged "$port"
  "$bin/graph_ingest" --server="127.0.0.1:$port" --key="$dir/lineage/data/keys/dev-producer.pem" \
    --out_dir="$dir/lineage" --pipelines="$pipelines" --days="$days" \
    --samples="${SAMPLES:-60}" | tee "$dir/logs/ingest.log"
  stop_lineaged
  echo "$shape" >"$dir/lineage/ingest.done"
fi

# --- 4. Export (cached) --------------------------------------------------------
if [[ ! -f "$dir/export/export.done" ]]; then
  log "exporting the stored graph for PostgreSQL"
  rm -rf "$dir/export" "$dir/pg"
  mkdir -p "$dir/export"
  "$bin/graph_export" --db="$dir/lineage/data/db" --catalog="$dir/lineage/catalog.tsv" \
    --out_dir="$dir/export"
  chmod -R a+rX "$dir/export"
  touch "$dir/export/export.done"
fi

# --- 5. PostgreSQL (cluster cached; settings applied at every start) -----------
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_port=$(free_port)
pg_settings=(
  -c "listen_addresses=127.0.0.1" -c "port=$pg_port" -c "unix_socket_directories=$dir/pg"
  -c "shared_buffers=${PG_SHARED_BUFFERS:-3GB}" -c "work_mem=${PG_WORK_MEM:-64MB}"
  -c "effective_cache_size=${PG_EFFECTIVE_CACHE_SIZE:-12GB}" -c "jit=${PG_JIT:-off}"
  -c "maintenance_work_mem=1GB" -c "random_page_cost=1.1" -c "max_wal_size=8GB"
  -c "wal_level=minimal" -c "max_wal_senders=0" -c "synchronous_commit=off"
)
if [[ ! -f "$dir/pg/loaded" ]]; then
  log "creating the PostgreSQL cluster and loading the graph"
  rm -rf "$dir/pg"
  mkdir -p "$dir/pg"
  [[ $(id -u) -ne 0 ]] || chown postgres: "$dir/pg"
  as_pg "$pgbin/initdb" -D "$dir/pg/data" -U postgres --auth=trust --no-locale -E UTF8 \
    >"$dir/logs/initdb.log"
fi
as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t 300 \
  -o "$(printf '%q ' "${pg_settings[@]}")" start >/dev/null
pg_started=1
psql=("$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres)
if [[ ! -f "$dir/pg/loaded" ]]; then
  t0=$(date +%s)
  "${psql[@]}" -d postgres -c "CREATE DATABASE lineage"
  "${psql[@]}" -d lineage <<SQL
BEGIN;
CREATE TABLE nodes (id bigint NOT NULL, kind smallint NOT NULL);
CREATE TABLE edges (src bigint NOT NULL, dst bigint NOT NULL, kind smallint NOT NULL);
CREATE TABLE subjects (token text NOT NULL, version_id bigint NOT NULL);
\copy nodes FROM '$dir/export/nodes.tsv'
\copy edges FROM '$dir/export/edges.tsv'
\copy subjects FROM '$dir/export/subjects.tsv'
COMMIT;
ALTER TABLE nodes ADD PRIMARY KEY (id);
CREATE INDEX edges_src ON edges (src);
CREATE INDEX edges_dst ON edges (dst);
CREATE INDEX subjects_token ON subjects (token);
VACUUM ANALYZE;
SQL
  echo "loaded in $(($(date +%s) - t0)) s" >"$dir/pg/loaded"
fi

# --- 6. Measure -----------------------------------------------------------------
if [[ "${WAIT_QUIET:-0}" == 1 ]]; then
  for _ in $(seq 1 180); do
    awk '{exit !($1 < 1.0)}' /proc/loadavg && break
    log "waiting for a quiet machine (load $(cut -d' ' -f1-3 /proc/loadavg))"; sleep 10
  done
fi
port=$(free_port)
start_lineaged "$port"
echo
echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB," \
  "$(uname -r), data on $(stat -f -c %T "$dir")"
echo "== commit: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- server || echo ' (server/ modified)')"
echo "== graph ($shape):"; sed 's/^/   /' "$dir/export/graph.txt"
echo "== ingest: $(tr '\n' ' ' <"$dir/lineage/ingest.txt")"
echo "== PostgreSQL: $(cat "$dir/pg/loaded"); lineaged started (graph index loaded) in ${lineaged_start_ms} ms"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin/graph_query_bench" --server="127.0.0.1:$port" \
  --pg="host=127.0.0.1 port=$pg_port user=postgres dbname=lineage" \
  --samples="$dir/export/samples.tsv" --lineaged_pid="$lineaged_pid" \
  --rounds="${ROUNDS:-3}" --max_samples="${SAMPLES:-60}" --shapes="${SHAPES:-}" \
  --page_size="${PAGE_SIZE:-100000}" --impact_witness="${IMPACT_WITNESS:-predecessor}" \
  --layout="${LAYOUT:-columns}" --concurrency="${CONCURRENCY:-0}" \
  --data_dir="$dir/lineage/data" --results="$dir/results.md"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
pss_kib() {  # Sum of proportional set sizes (shared memory counted once).
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '/^Pss:/{print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
postmaster=$(head -1 "$dir/pg/data/postmaster.pid")
echo "== memory: lineaged Pss $(($(pss_kib "$lineaged_pid") / 1024)) MiB;" \
  "PostgreSQL (postmaster and its children) Pss" \
  "$(($(pss_kib "$postmaster" $(ps -o pid= --ppid "$postmaster")) / 1024)) MiB"
