FROM python:3.12.7-slim
ENTRYPOINT ["python"]
ENTRYPOINT ["python", "-m", "app"]
