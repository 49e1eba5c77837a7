#!/usr/bin/env bash
# Memory benchmark: the same data in redis-server and in Tide, RSS and used_memory side by side.
#
#   ./tide bench memory [--keys N] [--value-size BYTES] [--variants "zgc g1"] [--maxmemory SIZE]
#                       [--requests N] [--no-traffic]
#
# For each server: start it on a free loopback port, load N keys with BYTES-byte values with
# DEBUG POPULATE (keys key:0..key:N-1, as Redis's own command), wait for it to settle, read
# VmRSS/RssAnon/RssFile from /proc/PID/status and used_memory (INFO, or Tide's /metrics), then
# run redis-benchmark SET/GET traffic against the loaded data and read RSS again, with latency
# percentiles and (Tide) GC pauses. Tide runs once per JVM variant (TIDE_GC of the launcher).
# Prints a table with the ratios to Redis. Logs: .tide-bench/memory-<time>/.
# Not a test: numbers depend on the machine and its load; see docs/memory.md for a recorded run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KEYS=1000000
VALUE_SIZE=100
VARIANTS="zgc g1"
MAXMEMORY=""
REQUESTS=100000          # redis-benchmark requests per test in the traffic phase
TRAFFIC=1
SETTLE_SECONDS=3         # after loading, before reading RSS (lets concurrent GC finish)
READY_TRIES=600          # x 0.1 s: how long a server may take to start listening
CLIENTS=50               # redis-benchmark connections

while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS="$2"; shift 2 ;;
    --value-size) VALUE_SIZE="$2"; shift 2 ;;
    --variants) VARIANTS="$2"; shift 2 ;;
    --maxmemory) MAXMEMORY="$2"; shift 2 ;;
    --requests) REQUESTS="$2"; shift 2 ;;
    --no-traffic) TRAFFIC=0; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "memory.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
for tool in redis-server redis-cli redis-benchmark curl; do
  command -v "$tool" >/dev/null || { echo "memory.sh: $tool is required (apt-get install -y redis-server redis-tools curl)" >&2; exit 1; }
done

OUT="$ROOT/.tide-bench/memory-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "memory.sh: no free port found" >&2; exit 1
}

status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }  # pid field -> kB
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

wait_ready() { # port pid
  for _ in $(seq 1 "$READY_TRIES"); do
    kill -0 "$2" 2>/dev/null || { echo "memory.sh: server (pid $2) exited at start; see $OUT" >&2; exit 1; }
    [ "$(redis-cli -p "$1" ping 2>/dev/null)" = "PONG" ] && return 0
    sleep 0.1
  done
  echo "memory.sh: server on port $1 did not answer PING" >&2; exit 1
}

uptime_s() { curl -s "http://127.0.0.1:$1/metrics" | awk '$1 == "process_uptime_seconds" {print $NF}'; }

# Stop-the-world pauses (every safepoint: GC pauses of any collector, and the rest) between two
# JVM uptimes, from the -Xlog:safepoint file: "count / p99 / max" in ms.
pauses() { # log from_s to_s
  [ -f "$1" ] || { echo "- / - / -"; return; }
  awk -v a="$2" -v b="$3" '/Safepoint/ { t = substr($1, 2) + 0; if (t < a || t > b) next
       for (i = 1; i <= NF; i++) if ($i == "Total:") print $(i + 1) / 1e6 }' "$1" | sort -g |
    awk '{ v[++n] = $1 } END { if (n == 0) { print "0 / - / -"; exit }
          k = int(n * 0.99); if (k < 1) k = 1; printf "%d / %.2f / %.2f", n, v[k], v[n] }'
}

info_used_memory() { redis-cli -p "$1" info memory 2>/dev/null | tr -d '\r' | awk -F: '$1 == "used_memory" {print $2}'; }

# One server: load, settle, measure, traffic, measure. Appends one result line to $OUT/results.
measure() { # name port pid metrics_port(or -)
  local name="$1" port="$2" pid="$3" mport="$4"
  wait_ready "$port" "$pid"
  local idle_kb; idle_kb="$(status_kb "$pid" VmRSS)"
  local up0="" up1="" up2=""
  [ "$mport" != "-" ] && up0="$(uptime_s "$mport")"
  local t0 t1 reply
  t0="$(date +%s.%N)"
  reply="$(redis-cli -p "$port" DEBUG POPULATE "$KEYS" key "$VALUE_SIZE")"
  t1="$(date +%s.%N)"
  [ "$reply" = "OK" ] || { echo "memory.sh: $name: DEBUG POPULATE replied: $reply" >&2; exit 1; }
  sleep "$SETTLE_SECONDS"
  local rss_kb anon_kb file_kb used
  rss_kb="$(status_kb "$pid" VmRSS)"; anon_kb="$(status_kb "$pid" RssAnon)"
  # RssFile + RssShmem: mapped files (libjvm, the CDS archive) and shared memory (ZGC maps its heap that way)
  file_kb=$(( $(status_kb "$pid" RssFile) + $(status_kb "$pid" RssShmem) ))
  used="$(info_used_memory "$port")"
  if [ -z "$used" ] && [ "$mport" != "-" ]; then
    used="$(curl -s "http://127.0.0.1:$mport/metrics" | awk '$1 == "tide_used_memory_bytes" {printf "%.0f", $2}')"
  fi
  local dbsize; dbsize="$(redis-cli -p "$port" dbsize 2>/dev/null || echo "?")"
  local set_p50="-" set_p99="-" get_p99="-" rss2_kb="-" gc_load="-" gc_traffic="-"
  [ "$mport" != "-" ] && up1="$(uptime_s "$mport")"
  if [ "$TRAFFIC" = 1 ]; then
    # Random keys key:000000xxxxxx over the same range: SETs add up to REQUESTS new 100-byte keys
    # (the same ones in both servers), GETs hit some of them.
    redis-benchmark -p "$port" -t set,get -n "$REQUESTS" -r "$KEYS" -d "$VALUE_SIZE" -c "$CLIENTS" --csv \
      > "$OUT/$name.benchmark.csv" 2>&1 || true
    # CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    set_p50="$(awk -F'","' '$1 == "\"SET" {print $5}' "$OUT/$name.benchmark.csv")"
    set_p99="$(awk -F'","' '$1 == "\"SET" {print $7}' "$OUT/$name.benchmark.csv")"
    get_p99="$(awk -F'","' '$1 == "\"GET" {print $7}' "$OUT/$name.benchmark.csv")"
    sleep "$SETTLE_SECONDS"
    rss2_kb="$(status_kb "$pid" VmRSS)"
  fi
  if [ "$mport" != "-" ]; then
    up2="$(uptime_s "$mport")"
    curl -s "http://127.0.0.1:$mport/metrics" > "$OUT/$name.metrics.txt" || true
    gc_load="$(pauses "$OUT/$name.safepoints.log" "$up0" "$up1")"
    [ "$TRAFFIC" = 1 ] && gc_traffic="$(pauses "$OUT/$name.safepoints.log" "$up1" "$up2")"
  fi
  printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$name" "$used" "$((idle_kb * 1024))" "$((rss_kb * 1024))" \
    "$((anon_kb * 1024))" "$((file_kb * 1024))" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')" \
    "$rss2_kb" "$set_p50" "$set_p99" "$get_p99" "$gc_load" "$gc_traffic" "$dbsize" >> "$OUT/results"
  tr '\0' ' ' < "/proc/$pid/cmdline" > "$OUT/$name.cmdline" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

echo "memory.sh: $KEYS keys x $VALUE_SIZE-byte values; Tide variants: $VARIANTS${MAXMEMORY:+; Tide --maxmemory $MAXMEMORY}; logs in $OUT" >&2
: > "$OUT/results"

port="$(free_port)"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes \
  --daemonize no --dir "$OUT" --logfile "$OUT/redis.log" &
rpid=$!; PIDS+=("$rpid")
measure redis "$port" "$rpid" -

for variant in $VARIANTS; do
  port="$(free_port)"; mport="$(free_port)"
  args=(server --port "$port" --metrics-port "$mport")
  [ -n "$MAXMEMORY" ] && args+=(--maxmemory "$MAXMEMORY")
  case "$variant" in
    zgc|g1) env_gc="$variant"; opts="${TIDE_JAVA_OPTS:-}" ;;
    parallel) env_gc="custom"; opts="-XX:+UseParallelGC -Xms32m -XX:MaxNewSize=32m ${TIDE_JAVA_OPTS:-}" ;;
    *) echo "memory.sh: unknown variant '$variant' (zgc, g1, parallel)" >&2; exit 2 ;;
  esac
  opts="$opts -Xlog:safepoint:file=$OUT/tide-$variant.safepoints.log:uptime"
  TIDE_GC="$env_gc" TIDE_JAVA_OPTS="$opts" "$ROOT/tide" "${args[@]}" > "$OUT/tide-$variant.log" 2>&1 &
  tpid=$!; PIDS+=("$tpid")   # the launcher execs java: this is the JVM's PID
  measure "tide-$variant" "$port" "$tpid" "$mport"
done

# ---- report ----------------------------------------------------------------------------------
redis_rss="$(awk -F'|' '$1 == "redis" {print $4}' "$OUT/results")"
redis_used="$(awk -F'|' '$1 == "redis" {print $2}' "$OUT/results")"
{
  echo
  echo "Memory: $KEYS keys, $VALUE_SIZE-byte values ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(uname -r); $(redis-server --version | awk '{print $1, $3}'))"
  echo
  printf '| %-13s | %11s | %5s | %9s | %9s | %9s | %9s | %6s | %11s | %7s | %7s | %7s | %-22s | %-22s |\n' \
    server "used_memory" "B/key" "RSS idle" "RSS" "RSS/Redis" "anon/f+sh" "load s" "RSS traffic" \
    "SET p50" "SET p99" "GET p99" "pauses load n/p99/max" "pauses traffic n/p99/max"
  printf '|%s|\n' "---------------|-------------|-------|-----------|-----------|-----------|-----------|--------|-------------|---------|---------|---------|------------------------|-------------------------"
  while IFS='|' read -r name used idle rss anon file load rss2 p50 p99 gp99 gcl gct dbsize; do
    ratio="$(awk -v a="$rss" -v b="$redis_rss" 'BEGIN {printf "%.2fx", a / b}')"
    perkey="$(awk -v u="$used" -v k="$KEYS" 'BEGIN {if (u > 0) printf "%.0f", u / k; else print "?"}')"
    rss2_mb="-"; [ "$rss2" != "-" ] && rss2_mb="$(mb $((rss2 * 1024))) MB"
    printf '| %-13s | %8s MB | %5s | %6s MB | %6s MB | %9s | %4s/%-4s | %6s | %11s | %7s | %7s | %7s | %-22s | %-22s |\n' \
      "$name" "$(mb "${used:-0}")" "$perkey" "$(mb "$idle")" "$(mb "$rss")" "$ratio" \
      "$(awk -v b="$anon" 'BEGIN {printf "%.0f", b / 1048576}')" "$(awk -v b="$file" 'BEGIN {printf "%.0f", b / 1048576}')" \
      "$load" "$rss2_mb" "$p50" "$p99" "$gp99" "$gcl" "$gct"
  done < "$OUT/results"
  echo
  echo "RSS = VmRSS after loading and ${SETTLE_SECONDS}s of settling; RSS traffic = after $REQUESTS SETs and GETs on random keys (adds up"
  echo "to $REQUESTS keys). Goal (DESIGN.md): Tide RSS <= 1.25x Redis = $(mb $((redis_rss * 5 / 4))) MB. Redis used_memory: $(mb "$redis_used") MB."
  echo "Latencies in ms from redis-benchmark ($CLIENTS clients, no pipelining) on the same machine as the server."
  echo "Pauses: Tide's stop-the-world safepoints (GC and other) from -Xlog:safepoint, in ms, during the load"
  echo "(DEBUG POPULATE) and during the traffic phase."
} | tee "$OUT/report.txt"
