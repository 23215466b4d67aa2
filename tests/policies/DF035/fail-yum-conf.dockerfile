FROM rockylinux:9.3
RUN echo "sslverify=0" >> /etc/yum.conf && yum install -y x
