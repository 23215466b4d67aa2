FROM python:3.12.7-slim AS base
USER nobody
FROM base
CMD ["python"]
