FROM python:3.12.7-slim
RUN mkdir -p /data && chmod a+rwx /data
