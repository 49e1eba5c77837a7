#!/usr/bin/env bash
# kill -9 of every node while clients write, restart from the data directories, and check that
# every acknowledged write is there: 3 `./tide server` processes on loopback.
#
#   ./tide bench cluster-crash [--rounds 3] [--writers 4] [--write-secs 5] [-- extra server args]
#
# Each round: start (or restart) the 3 nodes, wait until every partition answers, run W writer
# loops (redis-cli -c SET, one key per call, acknowledged keys recorded) for S seconds, kill -9 all
# nodes at once while the writers run, then in the next round check every key acknowledged so far.
set -euo pipefail

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=lib.sh
source "$ROOT/tide-bench/scripts/lib.sh"
: "${JAVA_HOME:?run through the launcher: ./tide bench cluster-crash}"

ROUNDS=3 WRITERS=4 WRITE_SECS=5
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --writers) WRITERS=$2; shift 2 ;;
    --write-secs) WRITE_SECS=$2; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "cluster-crash: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

"$ROOT/tide" server --help >/dev/null

WORK="$(mktemp -d /tmp/tide-cluster-crash.XXXXXX)"
PIDS=() WPIDS=()
cleanup() {
  for pid in "${WPIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

PORTS=() BUSES=() BOOT=""
for i in 1 2 3; do
  p=$(free_port); b=$(free_port)
  PORTS+=("$p"); BUSES+=("$b")
  BOOT="${BOOT:+$BOOT,}127.0.0.1:$p@$b"
done

start_nodes() {
  PIDS=()
  for i in 0 1 2; do
    n=$((i + 1))
    "$ROOT/tide" server --node-id "n$n" --data-dir "$WORK/n$n" --port "${PORTS[$i]}" --bus-port "${BUSES[$i]}" \
      --bootstrap "$BOOT" "${EXTRA[@]}" >>"$WORK/n$n.log" 2>&1 &
    PIDS+=("$!")
  done
  for i in 0 1 2; do wait_port "${PORTS[$i]}" "${PIDS[$i]}" 60; done
  # Every partition has a leader when a key in each of 16 spread-out slots can be read.
  local deadline=$((SECONDS + 60))
  for k in $(seq 0 63); do
    until redis-cli -c -p "${PORTS[0]}" get "probe:$k" 2>/dev/null | grep -qv TRYAGAIN; do
      [ $SECONDS -lt $deadline ] || { echo "no leader for some partition after 60 s" >&2; exit 1; }
      sleep 0.2
    done
  done
}

writer() { # id round: SET keys until killed, recording acknowledged ones
  local id=$1 round=$2 i=0
  while true; do
    local key="crash:$round:$id:$i"
    if [ "$(redis-cli -c -p "${PORTS[$((i % 3))]}" set "$key" "v-$key" 2>/dev/null)" = "OK" ]; then
      echo "$key" >>"$WORK/acked.$round.$id"
    fi
    i=$((i + 1))
  done
}

check() {
  local total=0 missing=0
  for f in "$WORK"/acked.*; do
    [ -f "$f" ] || continue
    while read -r key; do
      total=$((total + 1))
      local got="" tries=0
      # TRYAGAIN (a leader change while the busy machine catches up) is retried, 100 × 0.1 s at most.
      while [ $tries -lt 100 ]; do
        got="$(redis-cli -c -p "${PORTS[1]}" get "$key" 2>/dev/null || true)"
        [[ "$got" == TRYAGAIN* ]] || break
        tries=$((tries + 1))
        sleep 0.1
      done
      if [ "$got" != "v-$key" ]; then
        missing=$((missing + 1))
        echo "MISSING: $key (got '$got')" >&2
      fi
    done <"$f"
  done
  echo "checked $total acknowledged writes: $missing missing"
  [ "$missing" -eq 0 ]
}

for round in $(seq 1 "$ROUNDS"); do
  start_nodes
  if [ "$round" -gt 1 ]; then
    echo "round $round: restarted after kill -9 of every node"
    check
  fi
  WPIDS=()
  for w in $(seq 1 "$WRITERS"); do writer "$w" "$round" & WPIDS+=("$!"); done
  sleep "$WRITE_SECS"
  kill -9 "${PIDS[@]}"
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${WPIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  WPIDS=()
  acked=$(cat "$WORK"/acked.* 2>/dev/null | wc -l)
  echo "round $round: killed every node (kill -9) while $WRITERS writers ran; $acked writes acknowledged so far"
done
start_nodes
echo "final: restarted after kill -9 of every node"
check
grep -h "torn by a crash\|damaged" "$WORK"/n*.log | cut -c1-200 | sort | uniq -c | head -20 || true
