FROM debian:12.7-slim
RUN apt-get update && apt-get remove -y curl && apt-get download curl
