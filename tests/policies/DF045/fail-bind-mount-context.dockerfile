FROM golang:1.23.2
RUN --mount=type=bind,target=/src go build -C /src -o /app .
