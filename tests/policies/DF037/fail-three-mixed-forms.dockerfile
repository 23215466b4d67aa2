FROM python:3.12.7-slim
CMD python -V
RUN pip --version
CMD ["python"]
CMD ["python", "-m", "app"]
