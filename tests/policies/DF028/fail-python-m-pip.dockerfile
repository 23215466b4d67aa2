FROM python:3.12.7-slim
RUN python3 -m pip install --upgrade pip==24.3.1
