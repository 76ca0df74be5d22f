# Shared by the .ci scripts that start a background service for the tests (sourced,
# not run). The PID file is the only link between start and stop, so a service
# somebody else runs is never touched.

# wait_until_answers NAME PID_FILE LOG_FILE SECONDS CHECK: waits until CHECK (a
# function or command) succeeds; fails with the log's tail when the service exits or
# does not answer in time.
wait_until_answers() {
  local name=$1 pid_file=$2 log_file=$3 seconds=$4 check=$5 waited=0
  until "$check"; do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      echo "$name exited during start-up; last lines of $log_file:" >&2
      tail -n 20 "$log_file" >&2 || true
      rm -f "$pid_file"
      exit 1
    fi
    if [ "$waited" -ge "$seconds" ]; then
      echo "$name did not answer within ${seconds}s; see $log_file" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# stop_by_pid_file PID_FILE: TERM, up to 30 s, then KILL; removes the PID file.
stop_by_pid_file() {
  local pid_file=$1 pid
  [ -f "$pid_file" ] || return 0
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"
    fi
  fi
  rm -f "$pid_file"
}
