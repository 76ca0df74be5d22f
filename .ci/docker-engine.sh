#!/usr/bin/env bash
# Starts and stops a Docker engine for the tests (recipe: shared/recipes/docker-engine.md).
#   bash .ci/docker-engine.sh start   # no-op when an engine already answers
#   bash .ci/docker-engine.sh stop    # stops only the dockerd that `start` launched
# The PID file is the only link between start and stop, so an engine somebody
# else runs is never touched.
set -euo pipefail
# shellcheck source=service.sh
source "$(dirname "$0")/service.sh"

PID_FILE="${DISTROLESS_DOCKERD_PID_FILE:-/tmp/distroless-ci-dockerd.pid}"
LOG_FILE="${DISTROLESS_DOCKERD_LOG:-/tmp/distroless-ci-dockerd.log}"
WAIT_SECONDS="${DISTROLESS_DOCKERD_WAIT:-60}"
PACKAGES=(docker.io containerd runc iptables busybox-static)

engine_answers() {
  timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

install_packages() {
  if [ "$(id -u)" != 0 ]; then
    echo "docker-engine.sh: dockerd is not installed and installing it needs root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

start() {
  if engine_answers; then
    return 0
  fi
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "docker-engine.sh: dockerd $(cat "$PID_FILE") from an earlier start is running but does not answer; see $LOG_FILE" >&2
    exit 1
  fi
  command -v dockerd >/dev/null 2>&1 && command -v busybox >/dev/null 2>&1 || install_packages
  # setsid detaches dockerd from this script's process group, so the CI's
  # job control cannot take it down before `stop` runs.
  setsid dockerd >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  wait_until_answers "docker-engine.sh: dockerd" "$PID_FILE" "$LOG_FILE" "$WAIT_SECONDS" engine_answers
}

stop() {
  stop_by_pid_file "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
