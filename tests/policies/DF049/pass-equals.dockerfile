FROM python:3.12.7-slim
ENV PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH"
LABEL org.opencontainers.image.title="demo app" version=1.0
ARG VERSION
