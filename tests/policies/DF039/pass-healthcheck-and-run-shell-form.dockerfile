FROM python:3.12.7-slim
RUN pip --version
HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1
CMD ["python", "-m", "app"]
