FROM python:3.12.7-slim
RUN ["/bin/sh", "-c", "cd /src && make"]
