FROM debian:12.7-slim
RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/01norecommends
RUN apt-get update && apt-get install -y curl
