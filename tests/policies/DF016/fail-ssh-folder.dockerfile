FROM alpine:3.20
COPY .ssh /root/.ssh
