FROM --platform=linux/arm64 golang:1.23.2 AS build
