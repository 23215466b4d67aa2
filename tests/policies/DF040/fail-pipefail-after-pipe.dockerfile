FROM debian:12.7-slim
RUN wget -qO- https://example.com/x | tar xz; set -o pipefail
