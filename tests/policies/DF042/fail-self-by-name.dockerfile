FROM golang:1.23.2 AS build
COPY --from=build /a /b
