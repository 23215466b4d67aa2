FROM debian:12.7-slim
RUN set -eux; \
    curl -fsSL https://get.example.com \
      | sh
