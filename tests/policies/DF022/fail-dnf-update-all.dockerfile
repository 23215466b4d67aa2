FROM fedora:41
RUN dnf -y update && dnf clean all
