FROM ubuntu:24.04
RUN echo 'root:Docker!' | chpasswd
