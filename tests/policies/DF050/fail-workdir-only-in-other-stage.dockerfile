FROM python:3.12.7-slim AS build
WORKDIR /src
FROM python:3.12.7-slim
COPY --from=build /src/dist dist/
