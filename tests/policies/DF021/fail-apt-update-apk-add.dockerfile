FROM debian:12.7-slim
RUN apt-get -qq update && apk add --no-cache curl
