FROM fedora:41
RUN --mount=type=cache,target=/var/cache/dnf dnf install -y gcc
