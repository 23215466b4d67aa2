FROM rockylinux:9.3
RUN dnf install -y python3 && dnf clean all
RUN yum -y install httpd && yum clean all && rm -rf /var/cache/yum
RUN microdnf install -y tar && microdnf clean all
