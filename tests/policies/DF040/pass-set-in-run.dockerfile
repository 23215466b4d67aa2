FROM alpine:3.20
RUN set -euo pipefail && wget -qO- https://example.com/x | tar xz
RUN <<EOF
set -eo pipefail
curl -fsSL https://example.com/x | tar xz
EOF
RUN bash -o pipefail -c "curl -fsSL https://example.com/x | tar xz"
