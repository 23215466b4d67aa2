FROM node:22.11.0-slim AS build
USER node
FROM node:22.11.0-slim
USER 1000
