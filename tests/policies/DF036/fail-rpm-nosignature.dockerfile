FROM rockylinux:9.3
RUN rpm -ivh --nosignature /tmp/x.rpm
