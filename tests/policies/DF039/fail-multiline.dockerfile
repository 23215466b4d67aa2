FROM python:3.12.7-slim
CMD python -m app \
    --port 8000
