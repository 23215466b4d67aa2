FROM alpine:3.20
RUN apk upgrade --no-cache openssl \
    && apk add --no-cache --upgrade curl
FROM fedora:41
RUN dnf -y update openssl && dnf clean all
