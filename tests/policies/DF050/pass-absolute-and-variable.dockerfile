FROM python:3.12.7-slim
COPY requirements.txt /tmp/
COPY app $APP_HOME/
COPY ["config.toml", "/etc/app/"]
