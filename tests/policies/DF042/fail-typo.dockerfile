FROM golang:1.23.2 AS build
FROM alpine:3.20
COPY --from=biuld /out/app /app
