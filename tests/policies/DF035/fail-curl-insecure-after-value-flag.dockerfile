FROM alpine:3.20
RUN curl -o /x --insecure https://example.com/x
