FROM alpine:3.20
RUN apk add --no-cache curl \
 && curl -fsSL -H "Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789" \
      https://api.github.com/repos/x/y/tarball -o /tmp/y.tgz
