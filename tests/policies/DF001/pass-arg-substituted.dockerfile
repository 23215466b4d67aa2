ARG VERSION=3.12.7
FROM python:${VERSION}-slim
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["/app/run"]
