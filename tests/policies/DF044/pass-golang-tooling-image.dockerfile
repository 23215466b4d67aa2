FROM golang:1.23.2
RUN go version
