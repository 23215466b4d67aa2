FROM debian:12.7-slim
RUN curl -fsSL https://deb.nodesource.com/setup_22.x | bash -
