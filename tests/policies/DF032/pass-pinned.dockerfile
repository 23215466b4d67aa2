FROM python:3.12.7-slim
RUN pip install --no-cache-dir flask==3.0.3 "gunicorn>=23,<24" "uvicorn[standard]~=0.32" \
    git+https://github.com/example/lib.git@v1.2.0 ./wheels/x.whl . -e ./pkg /src "$EXTRA" \
    https://files.example.com/pkg-1.0.tar.gz
