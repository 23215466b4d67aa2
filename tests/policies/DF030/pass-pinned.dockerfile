FROM debian:12.7-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confnew \
         curl=7.88.* ca-certificates=20230311 ./local.deb /tmp/other.deb "$EXTRA" golang/bookworm-backports
