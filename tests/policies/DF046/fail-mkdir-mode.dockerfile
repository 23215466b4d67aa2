FROM python:3.12.7-slim
RUN mkdir -m 777 /shared
