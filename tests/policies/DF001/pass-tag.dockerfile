FROM python:3.12.7-slim
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["/app/run"]
