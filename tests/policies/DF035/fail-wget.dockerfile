FROM alpine:3.20
RUN wget --no-check-certificate -O /x https://example.com/x
