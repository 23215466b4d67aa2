FROM debian:12.7-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && apt-get install -y -o APT::Install-Recommends=false git
