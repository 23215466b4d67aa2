FROM node:22.11.0-slim
COPY package.json package-lock.json /app
