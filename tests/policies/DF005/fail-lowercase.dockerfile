from python:3.12.7-slim
maintainer team@example.com
