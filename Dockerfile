# syntax=docker/dockerfile:1
# The one `parley` binary on a distroless, non-root base. Build from the
# repository root:  docker build -t parley .
# Pin the base images by digest in your own builds (docker buildx imagetools inspect <image>).

FROM golang:1.26.8 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
# The whole workspace: go.work names every module, so each must be there, and the build
# uses the same module versions the tests ran with. Only the modules the binary needs are
# downloaded; the cache mounts keep them between builds.
COPY . .
RUN --mount=type=cache,target=/root/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/parley ./cmd/parley

# static: CA certificates and time zones, no shell, no package manager; runs as 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/parley /parley
USER 65532:65532
# `parley run` (the demo) keeps its JetStream files in ./data: a directory nonroot may write.
WORKDIR /home/nonroot
# The HTTP endpoint (pages, API, metrics) must be reachable from outside the container; the
# binary's own default, 127.0.0.1, is for a laptop.
ENV PARLEY_HTTP_LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/parley"]
CMD ["run"]
