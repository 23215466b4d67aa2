FROM python:3.12.7-slim
LABEL org.opencontainers.image.authors="team@example.com"
