FROM python:3.12.7-slim
USER root
RUN apt-get update
USER 10001:10001
