FROM alpine:3.20
RUN --mount=type=bind,from=registry.example.org/cache:1,target=/cache ls /cache
