FROM debian:12.7-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
         ca-certificates=20230311 \
         curl
