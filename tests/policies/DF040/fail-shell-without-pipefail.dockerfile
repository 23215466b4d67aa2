FROM debian:12.7-slim
SHELL ["/bin/bash", "-e", "-c"]
RUN echo hi | tee /tmp/hi
