FROM golang:1.23.2 AS build
RUN go build -o /out/app .
FROM build AS test
RUN go test ./...
FROM scratch
COPY --from=build /out/app /app
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["/app/run"]
