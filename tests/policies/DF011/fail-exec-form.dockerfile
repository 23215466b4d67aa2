FROM ubuntu:24.04
RUN ["sudo", "make", "install"]
