FROM golang:1.23.2@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa AS build
RUN go build -o /out/app .
FROM build AS test
RUN go test ./...
FROM scratch
COPY --from=build /out/app /app
