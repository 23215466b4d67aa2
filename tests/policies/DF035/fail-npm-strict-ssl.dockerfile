FROM node:22.11.0-slim
RUN npm config set strict-ssl false && npm ci
