FROM python:3.12.7-slim
COPY --chmod=0666 config.toml /etc/app/config.toml
