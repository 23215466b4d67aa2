FROM python:3.12.7-slim
RUN useradd --uid 10001 app
USER app:app
