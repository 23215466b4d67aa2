FROM python:3.12.7-slim
RUN pip install --no-cache-dir -r requirements.txt \
    && pip install --no-cache-dir -c constraints.txt flask gunicorn \
    && pip install --no-cache-dir --requirement=requirements-dev.txt
