FROM node:22.11.0-slim
ONBUILD ENV NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789
