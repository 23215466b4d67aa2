FROM python:3.12.7-slim AS dev
CMD ["python", "-m", "app", "--reload"]
FROM python:3.12.7-slim
CMD ["python", "-m", "app"]
