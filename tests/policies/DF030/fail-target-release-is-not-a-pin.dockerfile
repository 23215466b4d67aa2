FROM debian:12.7-slim
RUN apt-get install -y -t bookworm-backports golang
