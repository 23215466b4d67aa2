FROM python:3.12.7-slim
ARG DB_PASSWORD=changeme
