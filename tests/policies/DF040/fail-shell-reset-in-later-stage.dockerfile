FROM debian:12.7-slim AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
FROM debian:12.7-slim
RUN echo hi | tee /tmp/hi
