FROM debian:12.7-slim
RUN apt-get -q remove curl
