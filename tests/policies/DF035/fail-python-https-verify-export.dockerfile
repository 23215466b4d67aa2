FROM python:3.12.7-slim
RUN export PYTHONHTTPSVERIFY=0 && python -m app.download
