FROM python:3.12.7-slim
COPY requirements.txt .
