FROM python:3.12.7-slim
RUN chmod -R 777 /app
