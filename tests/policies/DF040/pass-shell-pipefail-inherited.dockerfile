FROM debian:12.7-slim AS base
SHELL ["/bin/bash", "-euxo", "pipefail", "-c"]
FROM base
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz
