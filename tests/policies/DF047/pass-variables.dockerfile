FROM --platform=$BUILDPLATFORM golang:1.23.2 AS build
FROM --platform=${TARGETPLATFORM} alpine:3.20
