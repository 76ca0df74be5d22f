#!/usr/bin/env bash
# Starts and stops a local image registry (Debian's docker-registry: the CNCF
# Distribution registry) for the registry lookup tests (test/docker/image-facts-registry.test.ts).
#   bash .ci/registry.sh start   # installs docker-registry if missing, serves http://127.0.0.1:$PORT, waits for /v2/
#   bash .ci/registry.sh stop    # stops only the registry that `start` launched (by its recorded PID)
#   bash .ci/registry.sh host    # prints host:port (DISTROLESS_REGISTRY_HOST)
#   bash .ci/registry.sh log     # prints the path of its log, one line per request (DISTROLESS_REGISTRY_LOG)
# Plain HTTP on loopback: Docker pushes to 127.0.0.0/8 without TLS and without configuration.
# No authentication; storage in a folder of its own, removed by `stop`.
set -euo pipefail
# shellcheck source=service.sh
source "$(dirname "$0")/service.sh"

DIR="${DISTROLESS_REGISTRY_DIR:-/tmp/distroless-ci-registry}"
PORT="${DISTROLESS_REGISTRY_PORT:-5055}"
HOST="127.0.0.1:$PORT"
PID_FILE="$DIR/registry.pid"
LOG_FILE="$DIR/registry.log"
CONF="$DIR/config.yml"
WAIT_SECONDS="${DISTROLESS_REGISTRY_WAIT:-30}"
BIN=/usr/bin/docker-registry

answers() {
  curl -fsS --max-time 5 "http://$HOST/v2/" >/dev/null 2>&1
}

start() {
  mkdir -p "$DIR"
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    if answers; then
      return 0
    fi
    echo "registry.sh: registry $(cat "$PID_FILE") from an earlier start is running but does not answer; see $LOG_FILE" >&2
    exit 1
  fi
  if answers; then
    echo "registry.sh: something else already answers on $HOST; set DISTROLESS_REGISTRY_PORT to another port" >&2
    exit 1
  fi
  if [ ! -x "$BIN" ] || ! command -v curl >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "registry.sh: docker-registry is not installed and installing it needs root" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends docker-registry curl >/dev/null
  fi
  mkdir -p "$DIR/storage"
  cat >"$CONF" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
http:
  addr: $HOST
EOF
  setsid "$BIN" serve "$CONF" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_until_answers "registry.sh: the registry" "$PID_FILE" "$LOG_FILE" "$WAIT_SECONDS" answers
}

stop() {
  [ -f "$PID_FILE" ] || return 0
  stop_by_pid_file "$PID_FILE"
  rm -rf "$DIR/storage"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  host) echo "$HOST" ;;
  log) echo "$LOG_FILE" ;;
  *) echo "usage: $0 start|stop|host|log" >&2; exit 2 ;;
esac
