FROM python:3.12.7-slim
RUN pip install --no-cache-dir git+https://github.com/example/lib.git
