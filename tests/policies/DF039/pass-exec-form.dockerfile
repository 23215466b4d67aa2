FROM python:3.12.7-slim
ENTRYPOINT ["python", "-m", "app"]
CMD ["--port", "8000"]
