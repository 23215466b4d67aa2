FROM node:22.11.0-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY src ./src
COPY --from=node:22.11.0 . /copied-from-an-image
RUN --mount=type=bind,source=package.json,target=/p.json cat /p.json
