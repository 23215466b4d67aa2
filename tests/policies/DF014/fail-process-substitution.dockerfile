FROM debian:12.7-slim
RUN bash <(curl -s https://example.com/install.sh)
