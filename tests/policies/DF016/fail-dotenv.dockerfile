FROM node:22.11.0-slim
COPY .env /app/.env
