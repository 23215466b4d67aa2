FROM node:22.11.0-slim
ADD --chown=node:node ./ /app/
