FROM alpine:3.20
COPY id_ed25519 /root/.ssh/id_ed25519
