FROM node:22.11.0-slim
COPY --from=node:22.11.0 /usr/local/bin/node /usr/local/bin/node
COPY src /app/src
