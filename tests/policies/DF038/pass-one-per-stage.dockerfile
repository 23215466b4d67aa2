FROM python:3.12.7-slim AS base
ENTRYPOINT ["python"]
FROM base
ENTRYPOINT ["python", "-m", "app"]
