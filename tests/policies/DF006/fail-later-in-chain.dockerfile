FROM python:3.12.7-slim
RUN set -e; \
    mkdir -p /src; \
    cd /src; \
    make
