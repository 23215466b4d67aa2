FROM node:22.11.0-slim AS base
WORKDIR /srv
FROM base
WORKDIR app
