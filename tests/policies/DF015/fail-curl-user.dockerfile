FROM ubuntu:24.04
RUN curl -fsSL -u admin:letmein123 https://repo.example.com/pkg.deb -o /tmp/pkg.deb
