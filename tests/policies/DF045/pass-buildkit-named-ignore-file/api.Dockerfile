FROM node:22.11.0-slim
COPY . /app
