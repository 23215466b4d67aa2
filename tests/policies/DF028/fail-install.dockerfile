FROM python:3.12.7-slim
RUN pip install -r requirements.txt
