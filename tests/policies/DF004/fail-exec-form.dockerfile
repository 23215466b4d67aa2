FROM python:3.12.7-slim
ADD ["src/", "/app/src/"]
