FROM alpine:3.20
ADD https://github.com/moby/buildkit.git#v0.16.0 /src
ADD git@github.com:moby/buildkit.git /src2
ADD rootfs.tar.gz /
