FROM golang:1.23.2@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa AS build
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=build /out/app /app
