FROM python:3.12.7-slim
RUN chmod u+x,o+w /app/run.sh
