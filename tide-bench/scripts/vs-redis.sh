#!/usr/bin/env bash
# ./tide bench vs-redis [--quick] [--requests N] [--clients C]
# Runs redis-benchmark against Tide and redis-server in the same run, on the same machine, with the
# same settings, at pipeline 1 and 16, and prints ops/s, p50 and p99 for both and Tide/Redis ratios.
# TIDE_SERVER_ARGS="--config FILE" passes extra options to the Tide server.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=lib.sh
source "$ROOT/tide-bench/scripts/lib.sh"

REQUESTS=500000
CLIENTS=50
TESTS="set,get,incr,lpush,hset"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) REQUESTS=100000; shift ;;
    --requests) REQUESTS="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --tests) TESTS="$2"; shift 2 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "vs-redis: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d /tmp/tide-bench.XXXXXX)"
OUT="$ROOT/results/$(date -u +%Y%m%dT%H%M%SZ)-vs-redis"
mkdir -p "$OUT"
REDIS_PID=""; TIDE_PID=""
cleanup() { stop_pid "$TIDE_PID"; stop_pid "$REDIS_PID"; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

RPORT=$(free_port); start_redis "$RPORT" "$WORK"
TPORT=$(free_port); start_tide "$TPORT" "$WORK/tide.log" ${TIDE_SERVER_ARGS:-}

bench() { # port pipeline requests -> csv lines "test,rps,avg,min,p50,p95,p99,max"
  redis-benchmark -h 127.0.0.1 -p "$1" -t "$TESTS" -c "$CLIENTS" -n "$3" -P "$2" -r 100000 -q --csv 2>/dev/null \
    | tr -d '"' | grep -v '^test,'
}

echo "warming up Tide's JIT (not measured) ..." >&2
bench "$TPORT" 16 $((REQUESTS)) >/dev/null
bench "$TPORT" 1 $((REQUESTS / 5)) >/dev/null

{
  machine
  echo "command: ./tide bench vs-redis --requests $REQUESTS --clients $CLIENTS --tests $TESTS"
  echo "redis-benchmark -t $TESTS -c $CLIENTS -n $REQUESTS -r 100000, targets alternate per pipeline depth"
  echo
  printf '%-8s %-5s %12s %12s %7s | %9s %9s | %9s %9s %7s\n' test pipe "redis ops/s" "tide ops/s" ratio \
    "redis p50" "tide p50" "redis p99" "tide p99" "p99 x"
  printf '%s\n' "-------------------------------------------------------------------------------------------------------"
} | tee "$OUT/summary.txt"

for P in 1 16; do
  echo "pipeline $P: redis ..." >&2
  bench "$RPORT" "$P" "$REQUESTS" > "$WORK/redis-$P.csv"
  echo "pipeline $P: tide ..." >&2
  bench "$TPORT" "$P" "$REQUESTS" > "$WORK/tide-$P.csv"
  cp "$WORK/redis-$P.csv" "$OUT/redis-p$P.csv"; cp "$WORK/tide-$P.csv" "$OUT/tide-p$P.csv"
  join -t, <(sort "$WORK/redis-$P.csv") <(sort "$WORK/tide-$P.csv") | while IFS=, read -r t r_rps _ _ r_p50 _ r_p99 _ t_rps _ _ t_p50 _ t_p99 _; do
    awk -v t="$t" -v p="$P" -v rr="$r_rps" -v tr="$t_rps" -v r50="$r_p50" -v t50="$t_p50" -v r99="$r_p99" -v t99="$t_p99" \
      'BEGIN { printf "%-8s %-5s %12.0f %12.0f %7.2f | %7.3fms %7.3fms | %7.3fms %7.3fms %7.2f\n", t, p, rr, tr, tr/rr, r50, t50, r99, t99, (r99>0? t99/r99 : 0) }'
  done | tee -a "$OUT/summary.txt"
done
echo | tee -a "$OUT/summary.txt"
echo "ratio = Tide ops/s ÷ Redis ops/s (≥ 1.0 means Tide is faster); p99 x = Tide p99 ÷ Redis p99. Raw CSV in $OUT" \
  | tee -a "$OUT/summary.txt"
