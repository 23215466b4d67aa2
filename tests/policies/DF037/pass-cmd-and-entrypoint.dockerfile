FROM python:3.12.7-slim
ENTRYPOINT ["python"]
CMD ["-m", "app"]
ONBUILD CMD ["python"]
