FROM alpine:3.20
RUN curl -fsSLk https://example.com/x -o /x
