FROM python:3.12.7-slim AS base
WORKDIR /app
FROM base
COPY . .
