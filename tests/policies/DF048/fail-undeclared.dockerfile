FROM python:${PY_VERSION}-slim
