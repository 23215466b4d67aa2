FROM golang:1.23 AS build
RUN go build -o /out/app .
FROM alpine
COPY --from=build /out/app /app
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["/app/run"]
