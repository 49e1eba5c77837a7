#!/usr/bin/env bash
# Idle cost of a Tide cluster: 3 `./tide server` processes on loopback, no load; RSS, threads and
# CPU per node sampled from /proc.
#
#   ./tide bench cluster-idle [--nodes 3] [--partitions 16] [--replicas 3] [--warmup 20] [--sample 10]
#                             [--profile] [-- extra server args, e.g. --durability replicated]
#
#   --profile   also prints, for node 1, the threads grouped by name (digits folded) with their
#               CPU time over the sample window (from /proc/PID/task/*/stat, names from jcmd
#               Thread.print), i.e. where the idle CPU and the threads go.
#   TIDE_JAVA_OPTS is passed to the servers (e.g. -Djraft.xxx=...), as by ./tide itself; with
#               -XX:NativeMemoryTracking=summary, --profile also prints the JVM's memory by category.
#
# Prints the load average before and after (other work on the machine skews the CPU column).
set -euo pipefail

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=lib.sh
source "$ROOT/tide-bench/scripts/lib.sh"
: "${JAVA_HOME:?run through the launcher: ./tide bench cluster-idle}"

NODES=3 PARTITIONS=16 REPLICAS=3 WARMUP=20 SAMPLE=10 PROFILE=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) NODES=$2; shift 2 ;;
    --partitions) PARTITIONS=$2; shift 2 ;;
    --replicas) REPLICAS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --sample) SAMPLE=$2; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "cluster-idle: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

# Build once through the launcher (no-op when up to date); the servers below then start at once.
"$ROOT/tide" server --help >/dev/null

WORK="$(mktemp -d /tmp/tide-cluster-idle.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

PORTS=() BUSES=() BOOT=""
for i in $(seq 1 "$NODES"); do
  p=$(free_port); b=$(free_port)
  PORTS+=("$p"); BUSES+=("$b")
  BOOT="${BOOT:+$BOOT,}127.0.0.1:$p@$b"
done

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 0 $((NODES - 1))); do
  n=$((i + 1))
  mkdir -p "$WORK/n$n"
  "$ROOT/tide" server --node-id "n$n" --data-dir "$WORK/n$n/data" --port "${PORTS[$i]}" --bus-port "${BUSES[$i]}" \
    --bootstrap "$BOOT" --partitions "$PARTITIONS" --replicas "$REPLICAS" "${EXTRA[@]}" >"$WORK/n$n/log" 2>&1 &
  PIDS+=("$!")
done
for i in $(seq 0 $((NODES - 1))); do
  wait_port "${PORTS[$i]}" "${PIDS[$i]}" 60 || { tail -n 20 "$WORK/n$((i + 1))/log" >&2; exit 1; }
done
sleep "$WARMUP"

HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
thread_ticks() { # "tid ticks" for each thread of pid $1
  for t in /proc/"$1"/task/*; do
    [ -r "$t/stat" ] && awk -v tid="${t##*/}" '{ sub(/^.*\) /, ""); print tid, $12 + $13 }' "$t/stat" 2>/dev/null
  done
}

declare -A START
for pid in "${PIDS[@]}"; do START[$pid]=$(cpu_ticks "$pid"); done
[ "$PROFILE" = 1 ] && thread_ticks "${PIDS[0]}" >"$WORK/threads.before"
T0=$(date +%s.%N)
sleep "$SAMPLE"
T1=$(date +%s.%N)
[ "$PROFILE" = 1 ] && thread_ticks "${PIDS[0]}" >"$WORK/threads.after"

echo
echo "$NODES nodes x $PARTITIONS partitions x RF $REPLICAS, idle, ${WARMUP}s after start, CPU over ${SAMPLE}s${EXTRA[*]:+, server args: ${EXTRA[*]}}"
printf '| %-5s | %7s | %9s | %7s |\n' node threads "RSS MiB" "CPU %"
printf '| %-5s | %7s | %9s | %7s |\n' ----- ------- --------- -------
TOTAL_RSS=0 TOTAL_CPU=0
for i in $(seq 0 $((NODES - 1))); do
  pid=${PIDS[$i]}
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
  rss=$(rss_kb "$pid")
  cpu=$(awk -v a="${START[$pid]}" -v b="$(cpu_ticks "$pid")" -v hz="$HZ" -v t0="$T0" -v t1="$T1" \
    'BEGIN { printf "%.1f", (b - a) / hz / (t1 - t0) * 100 }')
  printf '| n%-4s | %7s | %9.0f | %7s |\n' "$((i + 1))" "$threads" "$(echo "$rss / 1024" | bc -l)" "$cpu"
  TOTAL_RSS=$((TOTAL_RSS + rss))
  TOTAL_CPU=$(echo "$TOTAL_CPU + $cpu" | bc -l)
done
printf 'total: RSS %.0f MiB, CPU %.1f %% of one core\n' "$(echo "$TOTAL_RSS / 1024" | bc -l)" "$TOTAL_CPU"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
machine

if [ "$PROFILE" = 1 ]; then
  pid=${PIDS[0]}
  "$JAVA_HOME/bin/jcmd" "$pid" Thread.print >"$WORK/jstack" 2>/dev/null || true
  echo
  echo "node n1 (pid $pid): threads by name (digits folded), CPU ms over the ${SAMPLE}s window"
  python3 - "$WORK/jstack" "$WORK/threads.before" "$WORK/threads.after" "$HZ" "$pid" <<'PY'
import re, sys, collections
jstack, before, after, hz, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
names = {}
for line in open(jstack, errors="replace"):
    m = re.match(r'^"(.*?)".*\bnid=(0x[0-9a-f]+|\d+)', line)
    if m:
        nid = m.group(2)
        names[int(nid, 16) if nid.startswith("0x") else int(nid)] = m.group(1)
def load(path):
    d = {}
    for line in open(path):
        tid, ticks = line.split()
        d[int(tid)] = int(ticks)
    return d
b, a = load(before), load(after)
groups = collections.defaultdict(lambda: [0, 0])
for tid, ticks in a.items():
    name = names.get(tid)
    if name is None:
        try:  # a JVM-internal thread jcmd does not list: its kernel name (15 chars)
            name = "[" + open(f"/proc/{pid}/task/{tid}/comm").read().strip() + "]"
        except OSError:
            name = "(gone)"
    key = re.sub(r'\d+', '#', name)
    groups[key][0] += 1
    groups[key][1] += (ticks - b.get(tid, ticks)) * 1000 // hz
rows = sorted(groups.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
print(f"{'threads':>7}  {'cpu ms':>7}  name")
for name, (n, ms) in rows:
    print(f"{n:7d}  {ms:7d}  {name}")
PY
  echo
  echo "node n1: heap"
  "$JAVA_HOME/bin/jcmd" "$pid" GC.heap_info 2>/dev/null | sed -n '2,4p'
  if [[ "${TIDE_JAVA_OPTS:-}" == *NativeMemoryTracking* ]]; then
    echo "node n1: native memory (committed KB by category, NMT)"
    "$JAVA_HOME/bin/jcmd" "$pid" VM.native_memory summary 2>/dev/null \
      | grep -E '^(Total|-\s+[A-Za-z ]+ \(reserved)' | sed -E 's/reserved=[0-9]+KB, //; s/^-\s+//'
  fi
  echo "node n1: resident memory not known to the JVM shows as the gap between RSS and NMT's total"
fi
