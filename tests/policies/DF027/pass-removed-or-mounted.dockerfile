FROM alpine:3.20
RUN apk add curl && rm -rf /var/cache/apk/*
RUN --mount=type=cache,target=/var/cache/apk apk add git
