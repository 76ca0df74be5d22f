#!/usr/bin/env bash
# Installs what the in-browser VS Code tests need, outside the project's own
# dependencies so that `npm ci` stays light: Debian's Chromium and ripgrep (plus
# the headers code-server's native modules build against), and code-server +
# playwright-core pinned in a folder of their own. Skips whatever is already there.
# Usage: installTools.sh TOOLS_DIR
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_CORE_VERSION=1.65.1
tools_dir=${1:?usage: installTools.sh TOOLS_DIR}

have_apt_packages() {
  command -v chromium >/dev/null && command -v rg >/dev/null && command -v pkg-config >/dev/null &&
    dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed'
}

if ! have_apt_packages; then
  if [ "$(id -u)" != 0 ]; then
    echo "installTools: need chromium ripgrep libkrb5-dev pkg-config; run as root or: sudo apt-get install chromium ripgrep libkrb5-dev pkg-config" >&2
    exit 1
  fi
  echo "installTools: apt-get install chromium ripgrep libkrb5-dev pkg-config"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium ripgrep libkrb5-dev pkg-config >/dev/null
fi

# The stamp names everything the install depends on, so a changed pin or Node
# major reinstalls instead of silently running an old build.
stamp="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION node@$(node -p 'process.versions.modules')"
if [ -f "$tools_dir/.installed" ] && [ "$(cat "$tools_dir/.installed")" = "$stamp" ] &&
  [ -f "$tools_dir/node_modules/code-server/lib/vscode/out/server-main.js" ]; then
  echo "installTools: $stamp already in $tools_dir"
  exit 0
fi

echo "installTools: installing $stamp into $tools_dir"
rm -rf "$tools_dir"
mkdir -p "$tools_dir"
cat >"$tools_dir/package.json" <<JSON
{
  "name": "distroless-vscode-test-tools",
  "private": true,
  "description": "Installed by test/vscode/installTools.sh; not part of the extension.",
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION",
    "playwright-core": "$PLAYWRIGHT_CORE_VERSION"
  }
}
JSON

# code-server's postinstall downloads ripgrep from GitHub unless it finds the
# archive in this cache; Debian's rg (13.0.0) stands in for it.
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
rg_archive="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$rg_archive" ]; then
  rg_stage=$(mktemp -d)
  mkdir -p "$rg_cache"
  cp "$(command -v rg)" "$rg_stage/rg"
  tar -C "$rg_stage" -czf "$rg_archive" rg
  rm -rf "$rg_stage"
fi

# code-server's postinstall runs npm again inside lib/vscode and builds native
# modules there; npm 11 blocks dependency install scripts unless allowed, and
# the nested npm only sees the allowance through the environment.
# node-gyp downloads Node's headers unless told where they are; Debian's nodejs
# ships them, and there is no internet to download from.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
  export npm_config_nodedir=/usr
fi
(
  cd "$tools_dir"
  npm_config_yes=true npm_config_unsafe_perm=true npm_config_dangerously_allow_all_scripts=true \
    npm install --no-audit --no-fund --no-package-lock --loglevel=error >install.log 2>&1
) || { echo "installTools: npm install failed; last lines of $tools_dir/install.log:" >&2; tail -40 "$tools_dir/install.log" >&2; exit 1; }

if [ ! -f "$tools_dir/node_modules/code-server/lib/vscode/out/server-main.js" ]; then
  echo "installTools: code-server installed without lib/vscode/out/server-main.js" >&2
  exit 1
fi
echo "$stamp" >"$tools_dir/.installed"
echo "installTools: done"
