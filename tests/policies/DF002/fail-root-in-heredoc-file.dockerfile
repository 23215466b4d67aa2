FROM alpine:3.20 AS base
USER 10001
FROM base
USER root:root
RUN <<EOF
apk add --no-cache curl
EOF
