FROM registry.example.com:5000/team/base:latest
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["/app/run"]
