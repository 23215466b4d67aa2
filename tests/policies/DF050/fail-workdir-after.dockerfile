FROM python:3.12.7-slim
ADD app.tar.gz app/
WORKDIR /app
