FROM alpine:3.20
COPY --from=2 /out/app /app
FROM golang:1.23.2
