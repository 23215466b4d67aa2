FROM node:22.11.0-slim
COPY ["a.txt", "b.txt", "/data"]
