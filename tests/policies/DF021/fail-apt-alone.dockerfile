FROM debian:12.7-slim
RUN apt-get update
RUN apt-get install -y curl
