FROM python:3.12.7-slim
CMD ["python", "-m", "http.server"]
CMD ["python", "-m", "app"]
