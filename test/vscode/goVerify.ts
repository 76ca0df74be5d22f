/**
 * The Convert and Verify fixture (test/vscode/workspace/go-verify), shared by the
 * suite test and the journey: both check the same conversion, and a change in the
 * engine's output must show up as one visible diff here, not two.
 */

/** A Go hello server on golang:1.22, one of the offline stand-in images; WORKDIR /app as in issue 15's defect. */
export const GO_VERIFY_DOCKERFILE = 'go-verify/Dockerfile';

export const GO_VERIFY_RUNTIME = 'gcr.io/distroless/static-debian13:nonroot';

/** The conversion the diff's right side shows and Apply writes. */
export const GO_VERIFY_CONVERTED = `# A Go hello server for Convert and Verify: golang:1.22 is a stand-in image here (test/docker/standins.sh).
FROM golang:1.22 AS build
WORKDIR /app
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o server .
EXPOSE 8080
CMD ["./server"]

# Runtime stage: only the artifact, on a distroless image (no shell, no package manager).
FROM ${GO_VERIFY_RUNTIME}
EXPOSE 8080
WORKDIR /app
COPY --from=build /app/server /usr/local/bin/server
ENTRYPOINT ["/usr/local/bin/server"]
`;
