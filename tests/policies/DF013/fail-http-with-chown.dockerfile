FROM alpine:3.20
ADD --chown=10001:10001 http://downloads.example.com/tool.tar.gz /opt/
