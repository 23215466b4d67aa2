FROM python:3.12.7-slim
RUN <<EOF
set -e
cd /src
make
EOF
