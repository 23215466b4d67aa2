FROM python:3.12.7-slim
COPY --chmod=755 run.sh /app/run.sh
RUN chmod 1777 /app/tmp && chmod 0755 /app && chmod -R g+w /app/data && chmod o-w /app \
    && chmod +x /app/run.sh && install -m 0644 a /b
