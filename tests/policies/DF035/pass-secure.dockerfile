FROM python:3.12.7-slim
ENV NODE_TLS_REJECT_UNAUTHORIZED=1 PIP_TRUSTED_HOST=
RUN curl -fsSL -H "X-Key: -k" https://example.com/x -o /x \
    && git config --global http.sslVerify true \
    && pip install --no-cache-dir --cert /etc/ssl/certs/ca.pem -r requirements.txt \
    && wget -q -O /y https://example.com/y
