FROM alpine:3.20
ADD <<EOF /etc/motd
hello
EOF
ADD https://github.com/moby/buildkit.git#v0.16.0 /src
