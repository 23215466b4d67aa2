FROM debian:12.7-slim
RUN apt-get update && apt-get -y upgrade
RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y curl"]
RUN apt-cache policy curl && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -yq git
