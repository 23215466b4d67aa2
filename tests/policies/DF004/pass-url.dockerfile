FROM alpine:3.20
ADD --checksum=sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc https://example.com/tool.tgz /tmp/
