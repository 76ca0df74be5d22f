#!/usr/bin/env bash
# Starts and stops Podman's Docker-compatible API for test/docker/image-facts-podman.test.ts.
#   bash .ci/podman.sh start   # no-op when the socket already answers
#   bash .ci/podman.sh stop    # stops only the `podman system service` that `start` launched
# The socket is the tests' default (DISTROLESS_PODMAN_HOST overrides it in the test);
# Podman keeps its own storage, so this never touches the Docker engine's images.
# The PID file is the only link between start and stop, as in docker-engine.sh.
set -euo pipefail

DIR="${DISTROLESS_PODMAN_DIR:-/tmp/distroless-ci-podman}"
SOCKET="$DIR/podman.sock"
PID_FILE="$DIR/podman.pid"
LOG_FILE="$DIR/podman.log"
WAIT_SECONDS="${DISTROLESS_PODMAN_WAIT:-30}"

api_answers() {
  [ -S "$SOCKET" ] && timeout 5 curl -fsS --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1
}

start() {
  if api_answers; then
    return 0
  fi
  if ! command -v podman >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "podman.sh: podman is not installed and installing it needs root" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends podman curl >/dev/null
  fi
  mkdir -p "$DIR"
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "podman.sh: podman service $(cat "$PID_FILE") from an earlier start is running but does not answer; see $LOG_FILE" >&2
    exit 1
  fi
  rm -f "$SOCKET"
  # --time=0: the service stays up until stopped (its default exits after 5 s idle).
  setsid podman system service --time=0 "unix://$SOCKET" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local waited=0
  until api_answers; do
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      echo "podman.sh: podman system service exited during start-up; last lines of $LOG_FILE:" >&2
      tail -n 20 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      echo "podman.sh: Podman's API did not answer within ${WAIT_SECONDS}s; see $LOG_FILE" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

stop() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 15); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"
    fi
  fi
  rm -f "$PID_FILE" "$SOCKET"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
