# syntax=docker/dockerfile:1
# docent: multi-stage build. The binary is pure Go (CGO off: SQLite is
# modernc.org/sqlite, PDF is PDFium in WebAssembly under wazero, time zones
# are embedded), so the final image is distroless/static: no shell, no
# package manager, runs as the nonroot user (uid 65532).
#
#   docker build -t docent .
#   docker compose up -d          # docent + Qdrant (docker-compose.yml)

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
# Modules first: this layer is reused until go.mod/go.sum change.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/docent ./cmd/docent
# data_dir must exist and belong to the runtime user (no shell later).
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/docent /usr/local/bin/docent
COPY --from=build --chown=65532:65532 /out/data /data
COPY configs/docker.yaml /etc/docent/docker.yaml
USER 65532:65532
WORKDIR /data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/docent"]
CMD ["serve", "--config", "/etc/docent/docker.yaml"]
