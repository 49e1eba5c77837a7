#!/usr/bin/env bash
# Shared helpers for benchmark scripts: free ports, starting/stopping servers by PID, machine info.
# Sourced by the scripts in this folder; expects ROOT and JAVA_HOME from the ./tide launcher.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() { # port, pid, seconds
  local port=$1 pid=$2 deadline=$((SECONDS + ${3:-30}))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "$pid" 2>/dev/null || { echo "server (pid $pid) exited during start-up" >&2; return 1; }
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server on port $port did not answer PING within ${3:-30}s" >&2
  return 1
}

stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

start_redis() { # port dir -> sets REDIS_PID
  redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --dir "$2" --daemonize no \
    --logfile "$2/redis.log" >/dev/null 2>&1 &
  REDIS_PID=$!
  wait_port "$1" "$REDIS_PID"
}

start_tide() { # port logfile [extra server args...] -> sets TIDE_PID
  local port=$1 log=$2; shift 2
  local flags=(--enable-native-access=ALL-UNNAMED -XX:+UseZGC -XX:+ExitOnOutOfMemoryError)
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" "${flags[@]}" ${TIDE_JAVA_OPTS:-} \
    -cp "$ROOT/tide-cli/target/tide-cli-0.1.0-SNAPSHOT.jar:$ROOT/tide-cli/target/lib/*" \
    dev.tide.cli.TideCli server --port "$port" "$@" >"$log" 2>&1 &
  TIDE_PID=$!
  wait_port "$port" "$TIDE_PID" 60
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

machine() {
  local cpu mem jdk
  cpu="$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))"
  mem="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  jdk="$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "machine: $cpu, $mem RAM; JDK: $jdk; $(redis-server --version | cut -d' ' -f1-3)"
}
