FROM node:22.11.0-slim
RUN yarn global add typescript
