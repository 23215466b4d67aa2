FROM alpine:3.20 AS final
COPY --from=build /out/app /app
FROM golang:1.23.2 AS build
