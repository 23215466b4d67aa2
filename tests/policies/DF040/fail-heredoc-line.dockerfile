FROM alpine:3.20
RUN <<EOF
set -eu
apk add --no-cache curl
curl -fsSL https://example.com/x | tar xz
EOF
