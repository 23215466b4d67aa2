FROM python:3.12.7-slim
RUN echo "cd is not run here"
