FROM golang:1.23.2 AS build
FROM alpine:3.20
COPY --from=1 /out/app /app
