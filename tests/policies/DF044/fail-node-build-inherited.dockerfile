FROM node:22.11.0-slim AS base
WORKDIR /app
COPY . .
RUN npm ci && npm run build
FROM base
CMD ["node", "dist/server.js"]
