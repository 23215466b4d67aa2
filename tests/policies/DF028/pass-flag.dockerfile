FROM python:3.12.7-slim
RUN pip install --no-cache-dir -r requirements.txt \
    && python -m pip install --no-cache-dir --upgrade pip
