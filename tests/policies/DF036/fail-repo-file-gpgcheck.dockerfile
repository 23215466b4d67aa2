FROM rockylinux:9.3
RUN printf '[x]\nbaseurl=https://repo.example.com\ngpgcheck=0\n' > /etc/yum.repos.d/x.repo
