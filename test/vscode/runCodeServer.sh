#!/usr/bin/env bash
# `npm run test:vscode:ci`: the extension suite and the user journeys in VS Code's
# server (npm package code-server) with headless Debian Chromium, for machines where
# @vscode/test-electron cannot download VS Code. Installs its tools outside the
# project's dependencies (test/vscode/installTools.sh), builds, and runs
# out/test/vscode/browser/runInBrowser.js. Arguments (suite, journey) pick parts.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

tools_dir=${DISTROLESS_TOOLS_DIR:-$repo/.tools/code-server}
export DISTROLESS_TOOLS_DIR=$tools_dir

started=$SECONDS
bash test/vscode/installTools.sh "$tools_dir"
echo "test:vscode:ci: tools ready in $((SECONDS - started)) s"

npm run --silent build
npm run --silent compile-tests

# runInBrowser stops the server itself; this trap is for when it cannot (killed,
# crashed): the PID file names the server's process group, and only that is ended.
pid_file=$(mktemp "${TMPDIR:-/tmp}/distroless-vscode-server.XXXXXX")
export DISTROLESS_SERVER_PIDFILE=$pid_file
cleanup() {
  local pid
  pid=$(cat "$pid_file" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "test:vscode:ci: stopping VS Code server (process group $pid)" >&2
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}
trap cleanup EXIT

echo "test:vscode:ci: built in $((SECONDS - started)) s"
# Last, and nothing after it: the runner's closing "N passed, N failed" line is what CI reads.
node out/test/vscode/browser/runInBrowser.js "$@"
