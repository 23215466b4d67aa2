FROM ubuntu:24.04
RUN <<EOF
apt-get update
apt install -y curl
EOF
