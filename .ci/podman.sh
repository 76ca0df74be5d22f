#!/usr/bin/env bash
# Starts and stops Podman's Docker-compatible API for the tests (recipe: shared/recipes/podman.md).
#   bash .ci/podman.sh start   # installs podman if missing, serves unix://$SOCKET, waits for /_ping
#   bash .ci/podman.sh stop    # stops only the service that `start` launched (by its recorded PID)
#   bash .ci/podman.sh host    # prints the DOCKER_HOST value the tests use (DISTROLESS_PODMAN_HOST)
# Containers start on these machines only when no default ulimits are applied,
# so the service runs with its own containers.conf (CONTAINERS_CONF).
set -euo pipefail
# shellcheck source=service.sh
source "$(dirname "$0")/service.sh"

DIR="${DISTROLESS_PODMAN_DIR:-/tmp/distroless-ci-podman}"
SOCKET="$DIR/podman.sock"
PID_FILE="$DIR/podman.pid"
LOG_FILE="$DIR/podman.log"
CONF="$DIR/containers.conf"
WAIT_SECONDS="${DISTROLESS_PODMAN_WAIT:-60}"

answers() {
  curl -fsS --max-time 5 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1
}

start() {
  mkdir -p "$DIR"
  if answers; then
    return 0
  fi
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "podman.sh: podman service $(cat "$PID_FILE") from an earlier start is running but does not answer; see $LOG_FILE" >&2
    exit 1
  fi
  if ! command -v podman >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "podman.sh: podman is not installed and installing it needs root" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends podman curl >/dev/null
  fi
  printf '[containers]\ndefault_ulimits = []\n' >"$CONF"
  rm -f "$SOCKET"
  CONTAINERS_CONF="$CONF" setsid podman system service --time=0 "unix://$SOCKET" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_until_answers "podman.sh: podman service" "$PID_FILE" "$LOG_FILE" "$WAIT_SECONDS" answers
}

# Containers the tests made (their label, or a sidecar's) outlive the service as
# conmon processes, so a run that died mid-test would leave them running: removed
# through the API before the service stops. Nothing else on the engine is touched.
remove_test_containers() {
  answers || return 0
  local label id
  for label in io.distroless.test.podman io.distroless.sidecar.target; do
    for id in $(curl -fsS --max-time 10 --unix-socket "$SOCKET" -G "http://d/containers/json" \
        --data-urlencode all=true --data-urlencode "filters={\"label\":[\"$label\"]}" 2>/dev/null |
        grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
      curl -fsS --max-time 30 --unix-socket "$SOCKET" -X DELETE "http://d/containers/$id?force=true" >/dev/null 2>&1 || true
    done
  done
}

stop() {
  [ -f "$PID_FILE" ] || return 0
  kill -0 "$(cat "$PID_FILE")" 2>/dev/null && remove_test_containers
  stop_by_pid_file "$PID_FILE"
  rm -f "$SOCKET"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  host) echo "unix://$SOCKET" ;;
  *) echo "usage: $0 start|stop|host" >&2; exit 2 ;;
esac
