FROM python@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["/app/run"]
