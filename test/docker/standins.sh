#!/usr/bin/env bash
# Builds, without any registry, the base images the fixture apps and their
# converted Dockerfiles name: builder stand-ins (golang, node, python, temurin) and
# shell-less distroless stand-ins, all from Debian trixie packages so the runtime
# files match what the builders produce (Python 3.13 on both sides, same glibc).
# Each tag is skipped when it already exists, so a second run takes seconds.
set -euo pipefail

# One run at a time on a machine: CI builds these in the background while the editor
# suite runs, and the suite's Convert and Verify test runs this script too. A second
# run waits for the first, then finds every tag and takes seconds.
exec 9>"${TMPDIR:-/tmp}/distroless-standins.lock"
flock 9

SUITE=${STANDIN_SUITE:-trixie}

# The Debian archive this machine's apt already uses; empty lets debootstrap pick its default.
host_debian_mirror() {
  { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}'; } | grep -E '/debian/?$' | head -n 1 || true
}
MIRROR=${STANDIN_MIRROR:-$(host_debian_mirror)}
DEBIAN_TAG=local/debian:$SUITE
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

have() { docker image inspect "$1" >/dev/null 2>&1; }
log() { echo "standins: $*" >&2; }

if ! have "$DEBIAN_TAG"; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
      echo "standins: debootstrap is missing; install it (apt-get install debootstrap) or run as root" >&2
      exit 1
    fi
    log "apt-get install debootstrap"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  log "debootstrap $SUITE (minbase)"
  debootstrap --variant=minbase "$SUITE" "$WORK/rootfs" ${MIRROR:+"$MIRROR"} >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" -c . | docker import -c 'CMD ["bash"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$DEBIAN_TAG" >/dev/null
  rm -rf "$WORK/rootfs"
fi

# builder <tags...> -- <Dockerfile body after FROM>
builder() {
  local tags=() body
  while [ "$1" != "--" ]; do tags+=("$1"); shift; done
  shift
  body=$1
  local missing=0 t
  for t in "${tags[@]}"; do have "$t" || missing=1; done
  [ $missing = 1 ] || return 0
  log "builder ${tags[*]}"
  local args=()
  for t in "${tags[@]}"; do args+=(-t "$t"); done
  printf 'FROM %s\nENV DEBIAN_FRONTEND=noninteractive\n%s\n' "$DEBIAN_TAG" "$body" | docker build -q "${args[@]}" - >/dev/null
}

APT='RUN apt-get update && apt-get install -y --no-install-recommends'
CLEAN='&& rm -rf /var/lib/apt/lists/*'

builder golang:1.22 -- "$APT golang-go ca-certificates $CLEAN
ENV GOPATH=/go GOTOOLCHAIN=local GOFLAGS=-mod=mod PATH=/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go"
builder node:22 -- "$APT nodejs npm $CLEAN
CMD [\"node\"]"
# The official image has python at /usr/local/bin and no EXTERNALLY-MANAGED marker.
builder python:3.13 python:3.13-slim-trixie -- "$APT python3 python-is-python3 $CLEAN && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED
CMD [\"python3\"]"
builder eclipse-temurin:21 -- "$APT default-jdk-headless $CLEAN"

# The assembly runs inside a throwaway container with the runtime installed: it
# copies the runtime's files plus every shared library they load (ldd), and the
# files every distroless image has (passwd, group, CA bundle, zoneinfo, /tmp).
ASSEMBLE='set -eu
R=/rootfs
mkdir -p $R/usr/bin $R/usr/lib $R/usr/lib64 $R/etc/ssl/certs $R/usr/share $R/tmp $R/home/nonroot $R/root
ln -s usr/bin $R/bin; ln -s usr/lib $R/lib; ln -s usr/lib64 $R/lib64; ln -s usr/sbin $R/sbin; mkdir -p $R/usr/sbin
printf "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n" > $R/etc/passwd
printf "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\ntty:x:5:\nstaff:x:50:\n" > $R/etc/group
cp -L /etc/ssl/certs/ca-certificates.crt $R/etc/ssl/certs/
cp -a /usr/share/zoneinfo $R/usr/share/
chmod 1777 $R/tmp; chown 65532:65532 $R/home/nonroot; chmod 700 $R/root
copy() { for p in "$@"; do d=$(realpath "$(dirname "$p")"); mkdir -p "$R$d"; cp -a "$p" "$R$d/"; done; }
libs() {
  find "$@" -type f \( -perm -u+x -o -name "*.so*" \) 2>/dev/null | while read -r f; do ldd "$f" 2>/dev/null || true; done \
    | sed -n "s#.*=> \(/[^ ]*\) .*#\1#p; s#^[[:space:]]*\(/[^ ]*\) (0x.*#\1#p" | sort -u | while read -r l; do
      d=$(realpath "$(dirname "$l")"); mkdir -p "$R$d"; [ -e "$R$d/$(basename "$l")" ] || cp -L "$l" "$R$d/"; done
}
'

# runtime <distroless name> <packages> <entrypoint JSON> <assembly script>
runtime() {
  local name=$1 packages=$2 entrypoint=$3 script=$4
  local image=gcr.io/distroless/$name
  if have "$image:latest" && have "$image:nonroot"; then return 0; fi
  log "runtime $image"
  local prep=local/standin-prep:$name
  printf 'FROM %s\nENV DEBIAN_FRONTEND=noninteractive\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata %s\n' "$DEBIAN_TAG" "$packages" \
    | docker build -q -t "$prep" - >/dev/null
  local changes=(-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt')
  [ "$entrypoint" = "" ] || changes+=(-c "ENTRYPOINT $entrypoint")
  docker run --rm "$prep" bash -c "$ASSEMBLE
$script
tar -C \$R -c ." >"$WORK/$name.tar"
  docker import "${changes[@]}" "$WORK/$name.tar" "$image:latest" >/dev/null
  docker import "${changes[@]}" -c 'USER 65532' -c 'WORKDIR /home/nonroot' "$WORK/$name.tar" "$image:nonroot" >/dev/null
  rm -f "$WORK/$name.tar"
  docker rmi "$prep" >/dev/null
  # A stand-in that kept a shell would prove nothing.
  if docker run --rm --entrypoint /bin/sh "$image:latest" -c true >/dev/null 2>&1; then log "$image has a shell"; exit 1; fi
}

runtime static-debian13 '' '' ':'
runtime nodejs22-debian13 'nodejs' '["/nodejs/bin/node"]' '
mkdir -p $R/nodejs/bin && cp -L /usr/bin/node $R/nodejs/bin/node && libs /usr/bin/node
# Debian builds node with some builtins (cjs-module-lexer, undici, ...) loaded from /usr/share/nodejs.
cp -rL /usr/share/nodejs $R/usr/share/'
runtime python3-debian13 'python3.13' '["/usr/bin/python3.13"]' '
copy /usr/bin/python3.13 && ln -s python3.13 $R/usr/bin/python3 && ln -s python3 $R/usr/bin/python
cp -a /usr/lib/python3.13 $R/usr/lib/ && rm -rf $R/usr/lib/python3.13/test
libs /usr/bin/python3.13 /usr/lib/python3.13/lib-dynload'
runtime java21-debian13 'openjdk-21-jre-headless' '["/usr/bin/java","-jar"]' '
J=$(dirname "$(dirname "$(readlink -f /usr/bin/java)")")
mkdir -p $R$J && cp -a $J/. $R$J/ && cp -a /etc/java-21-openjdk $R/etc/ && ln -s $J/bin/java $R/usr/bin/java
libs $J'
# cc: glibc, libssl and libgcc's runtime (libgcc_s, libstdc++, libgomp), as GoogleContainerTools/distroless
# cc/README.md and base/README.md list them; nothing else (no libsqlite3, no liblzma), so a program
# that links more fails here as on the real image.
runtime cc-debian13 'libgomp1 libssl3t64' '' '
T=$(dirname "$(readlink -f "$(ls /usr/lib/*-linux-gnu/libc.so.6 | head -n 1)")")
mkdir -p $R$T
for s in libc.so.6 libm.so.6 libgcc_s.so.1 libstdc++.so.6 libgomp.so.1 libssl.so.3 libcrypto.so.3; do cp -L $T/$s $R$T/$s; libs "$(readlink -f $T/$s)"; done'
# The Debian image the C fixtures build and run on (Docker Hub's debian:trixie is not reachable).
have debian:trixie || docker tag "$DEBIAN_TAG" debian:trixie
log "ready"
