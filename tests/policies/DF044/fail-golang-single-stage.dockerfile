FROM golang:1.23.2
WORKDIR /src
COPY . .
RUN go build -o /app ./cmd/app
CMD ["/app"]
