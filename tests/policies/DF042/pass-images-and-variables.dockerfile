ARG TOOLS=busybox
FROM alpine:3.20
COPY --from=busybox:1.37 /bin/busybox /bin/busybox
COPY --from=ghcr.io/example/tools /bin/tool /bin/tool
COPY --from=docker.io/library/nginx@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa /etc/nginx /etc/nginx
COPY --from=${TOOLS} /bin/x /bin/x
