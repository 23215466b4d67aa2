FROM python:3.12.7-slim
CMD exec gunicorn --bind "0.0.0.0:$PORT" app:app
