FROM python:3.12.7-slim
USER 0:0
