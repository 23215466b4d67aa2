FROM python:3.12.7-slim AS a
ARG UID=10001
USER ${UID}
FROM python:3.12.7-slim
USER root
