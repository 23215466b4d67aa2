FROM debian:12.7-slim
RUN apt-get update && apt-get install -y --allow-unauthenticated tool
