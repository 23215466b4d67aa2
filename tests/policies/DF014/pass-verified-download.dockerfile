FROM debian:12.7-slim
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
    && echo "0d3f4a4e1f2f0c6d1a5e8d0c4d0b2e9f2b3f4c5d6e7f8091a2b3c4d5e6f70819  /tmp/install.sh" | sha256sum -c - \
    && sh /tmp/install.sh
