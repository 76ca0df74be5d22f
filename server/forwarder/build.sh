#!/usr/bin/env bash
# Builds the port-forward sidecar's forwarder (forwarder.c) for the two architectures the
# tool ships it for, into bin/: forwarder-amd64 and forwarder-arm64 (Docker's names for
# x86_64 and aarch64). The binaries are committed, so building the extension needs no cross
# compiler; bin/SOURCE.sha256 records the source they were built from, and
# test/unit/forwarder-binary.test.ts fails when it no longer matches forwarder.c.
# Needs gcc and gcc-aarch64-linux-gnu (Debian packages of the same names).
# Usage: build.sh [output directory]   (default: bin/ next to this script)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/bin}"
mkdir -p "$out"
flags=(-std=c11 -Os -static -nostdlib -ffreestanding -fno-builtin -fno-pie -no-pie -fno-stack-protector
  -fno-asynchronous-unwind-tables -fno-unwind-tables -ffunction-sections -fdata-sections
  -Wall -Wextra -Werror -Wno-unused-parameter
  -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,norelro -s)
build() {
  local cc="$1" arch="$2"
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "build.sh: $cc not found (apt-get install ${3})" >&2
    return 1
  fi
  "$cc" "${flags[@]}" -o "$out/forwarder-$arch" "$here/forwarder.c"
}
build gcc amd64 gcc
build aarch64-linux-gnu-gcc arm64 gcc-aarch64-linux-gnu
if [ "$out" = "$here/bin" ]; then
  (cd "$here" && sha256sum forwarder.c | cut -d' ' -f1) > "$out/SOURCE.sha256"
fi
ls -l "$out"/forwarder-*
