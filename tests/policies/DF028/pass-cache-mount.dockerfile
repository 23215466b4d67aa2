FROM python:3.12.7-slim
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
