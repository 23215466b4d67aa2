FROM golang:1.23.2 AS build
RUN go build -o /app ./cmd/app
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /app /app
