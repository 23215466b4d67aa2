FROM debian:12.7-slim
ONBUILD RUN apt-get update
