FROM node:22.11.0-slim
ADD a.txt b.txt c.txt /data
