FROM node:22.11.0-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY a.txt b.txt /data/
COPY c.txt d.txt .
COPY e.txt f.txt $APP_HOME
