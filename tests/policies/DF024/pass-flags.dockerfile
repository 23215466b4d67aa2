FROM debian:12.7-slim
RUN apt-get install -y curl \
    && apt-get install --yes git \
    && apt-get --assume-yes install make \
    && apt-get -qqy install gcc \
    && apt-get -q -q install g++ \
    && apt-get -qq purge vim \
    && sudo apt-get -yq autoremove \
    && apt-get -o APT::Get::Assume-Yes=true install tar \
    && apt-get update && apt-get clean
FROM fedora:41
RUN dnf -y install httpd && yum install --assumeyes x && microdnf install x && dnf clean all
FROM opensuse/leap:15.6
RUN zypper -n install curl && zypper --non-interactive in git && zypper install -y make
FROM python:3.12.7-slim
RUN pip uninstall -y setuptools && pip install --no-cache-dir x==1
