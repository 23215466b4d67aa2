FROM node:22.11.0-slim
ONBUILD COPY package.json .
