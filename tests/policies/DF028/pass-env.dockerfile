FROM python:3.12.7-slim
ENV PIP_NO_CACHE_DIR=1
RUN pip install -r requirements.txt
RUN PIP_NO_CACHE_DIR=off pip install x==1
