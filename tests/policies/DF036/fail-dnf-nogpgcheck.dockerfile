FROM fedora:41
RUN dnf install -y --nogpgcheck https://example.com/x.rpm
