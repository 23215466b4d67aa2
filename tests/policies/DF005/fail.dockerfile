FROM python:3.12.7-slim
MAINTAINER team@example.com
