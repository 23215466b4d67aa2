FROM python:3.12.7-slim
ARG VERSION
ARG TOKEN_URL
ARG PASSWORD_FILE=/run/secrets/db
ARG GPG_KEY
ENV API_TOKEN_FILE=/run/secrets/api_token PATH=$PATH:/opt/bin
