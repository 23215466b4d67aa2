FROM ubuntu:24.04
RUN command -v sudo || echo "no sudo here"
