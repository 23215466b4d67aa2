FROM alpine:3.20
RUN apk add --no-cache --virtual=.deps curl=8.11.0-r2 git~2.45 "bash>5" /tmp/x.apk $PKGS \
    && apk add -t .other -X https://dl-cdn.alpinelinux.org/alpine/edge/testing tini=0.19.0-r3
