FROM python:3.12.7-slim
RUN ["sh", "-c", "make"]
