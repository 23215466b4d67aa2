FROM node:22.11.0-slim
RUN npm install -g pm2
