FROM python:3.12.7-slim
ARG GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789
