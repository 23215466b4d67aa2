FROM rockylinux:9.3
RUN dnf install -y python3
