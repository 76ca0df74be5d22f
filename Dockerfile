# The `distroless` command line as a container image, for CI systems that run linters
# in containers and for the pre-commit `docker_image` hook (.pre-commit-hooks.yaml).
#   docker build -t distroless-cli .                     # no shell (the default, last stage)
#   docker build -t distroless-cli:latest-debug --target debug .  # busybox shell, for GitLab jobs
#   docker run --rm -v "$PWD:/src" distroless-cli lint .
# Documented in docs/cli.md ("Container image").

# Build: the same bundles `npm run build` makes (esbuild.mjs); only dist/cli.js and
# dist/cli/ reach the image: the CLI has no run-time dependencies.
FROM node:22 AS build
WORKDIR /build
COPY package.json package-lock.json ./
# Behind a TLS-intercepting proxy, pass the proxy's CA certificates (PEM) so npm trusts
# them: --build-arg NPM_EXTRA_CA="$(cat proxy-ca.pem)". Only this stage sees them.
ARG NPM_EXTRA_CA=
RUN if [ -n "$NPM_EXTRA_CA" ]; then printf '%s\n' "$NPM_EXTRA_CA" > /tmp/extra-ca.pem && export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; fi \
 && npm ci --ignore-scripts --no-audit --no-fund
COPY esbuild.mjs tsconfig.json ./
COPY client ./client
COPY server ./server
RUN node esbuild.mjs --production

# Busybox for the debug image, in /busybox as the distroless :debug images have it,
# and a `distroless` command there for job scripts.
FROM node:22 AS busybox
RUN apt-get update \
 && apt-get install -y --no-install-recommends busybox-static \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /busybox \
 && cp /bin/busybox /busybox/busybox \
 && /busybox/busybox --install -s /busybox \
 && printf '#!/busybox/sh\nexec /nodejs/bin/node /opt/distroless/dist/cli.js "$@"\n' > /busybox/distroless \
 && chmod 755 /busybox/distroless

# The CLI on distroless Node.js, as the unprivileged user 65532 (nonroot).
FROM gcr.io/distroless/nodejs22-debian13:nonroot AS cli
COPY --from=build /build/dist/cli.js /opt/distroless/dist/cli.js
COPY --from=build /build/dist/cli/ /opt/distroless/dist/cli/
COPY --from=build /build/dist/forwarder/ /opt/distroless/dist/forwarder/
WORKDIR /src
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "/opt/distroless/dist/cli.js"]
CMD ["lint", "."]

# `--target debug`: the same with a shell (busybox) for CI systems that need one
# (GitLab's Docker executor runs its script with sh: set `entrypoint: [""]`).
FROM cli AS debug
COPY --from=busybox /busybox/ /busybox/
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/busybox

# The default target: no shell, no package manager.
FROM cli
