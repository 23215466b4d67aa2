FROM python:3.12.7-slim
ENV DATABASE_URL=postgres://app:s3cr3tpassw0rd@db:5432/app
