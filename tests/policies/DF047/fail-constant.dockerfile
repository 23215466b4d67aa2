FROM --platform=linux/amd64 python:3.12.7-slim
