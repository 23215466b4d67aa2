FROM golang:1.23.2 AS build
USER 10001
RUN go build .
FROM alpine:3.20
COPY --from=build /app /app
