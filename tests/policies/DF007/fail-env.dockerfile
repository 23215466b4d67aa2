FROM python:3.12.7-slim
ENV DB_PASSWORD=hunter2hunter2
