# syntax=docker/dockerfile:1
# The s3am image: one static binary (operator, server, CLI) on distroless,
# running as the non-root user 65532 with no shell and no package manager.
#
#   docker build -t ghcr.io/s3am/s3-access-manager:0.1.0 .
#   docker buildx build --platform linux/amd64,linux/arm64 -t ... --push .
#
# The chart (charts/s3-access-manager) and config/default run it with a
# read-only root filesystem, an emptyDir on /tmp and `runAsUser: 65532`.

ARG GO_VERSION=1.26

# Build on the builder's own platform and cross-compile: CGO is off (the
# SQLite driver is pure Go), so no emulation is needed for other targets.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -buildvcs=false -ldflags="-s -w" -o /out/s3am ./cmd/s3am

# distroless/static: CA certificates, /etc/passwd with nonroot (65532) and
# tzdata; nothing else. The nonroot tag already sets USER 65532; it is
# repeated numerically so that runAsNonRoot can verify it.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/s3am /usr/local/bin/s3am
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/s3am"]
CMD ["--help"]
