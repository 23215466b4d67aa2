FROM ubuntu:24.04
RUN mkdir -p /opt/x && sudo -E -u app make install
