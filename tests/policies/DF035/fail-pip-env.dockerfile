FROM python:3.12.7-slim
ENV PIP_TRUSTED_HOST=pypi.example.com
