FROM ubuntu:24.04
RUN <<EOF
set -e
sudo make install
EOF
