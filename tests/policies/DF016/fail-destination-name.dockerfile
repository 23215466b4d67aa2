FROM python:3.12.7-slim
COPY pypi-config /root/.pypirc
