FROM python:3.12.7-slim
RUN python3 -m pip install --no-cache-dir "uvicorn[standard]"
