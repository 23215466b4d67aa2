FROM ubuntu:24.04
RUN apt-get update && apt-cache policy curl && apt-mark hold curl && apt-key list && echo apt
