FROM python:3.12.7-slim
RUN cd /app && make
