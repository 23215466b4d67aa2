FROM python:3.12.7-slim
ADD aws/credentials /root/.aws/credentials
