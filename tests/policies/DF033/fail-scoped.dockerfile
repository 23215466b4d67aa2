FROM node:22.11.0-slim
RUN npm install --save-dev @types/node
