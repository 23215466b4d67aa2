FROM python:3.12.7-slim AS build
RUN pip install --prefix=/install -r requirements.txt
FROM python:3.12.7-slim
COPY --from=build /install /usr/local
RUN uv pip install --system -r requirements.txt && pip download x==1
