FROM alpine:3.20 AS certs
FROM alpine:3.20
COPY --from=certs /etc/tls/privkey.pem /etc/tls/
