FROM node:22.11.0-slim AS build
WORKDIR /src
FROM node:22.11.0-slim
WORKDIR app
