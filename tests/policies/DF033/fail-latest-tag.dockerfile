FROM node:22.11.0-slim
RUN npm i -g npm@latest
