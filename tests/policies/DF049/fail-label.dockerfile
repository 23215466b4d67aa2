FROM python:3.12.7-slim
LABEL maintainer team@example.com
