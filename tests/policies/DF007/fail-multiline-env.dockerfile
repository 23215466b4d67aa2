FROM python:3.12.7-slim
ENV APP_ENV=production \
    SECRET_KEY_BASE=9f8a7b6c5d4e3f2a1b0c \
    PORT=8000
