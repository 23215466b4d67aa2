FROM python:3.12.7-slim
ONBUILD ADD . /app
