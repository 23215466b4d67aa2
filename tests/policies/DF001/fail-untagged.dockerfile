FROM python
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["/app/run"]
