FROM nginx:1.27.2
COPY certs/fullchain.pem certs/ca.pem /etc/nginx/certs/
COPY id_ed25519.pub /root/.ssh/authorized_keys
COPY known_hosts /root/.ssh/known_hosts
COPY nodesource-repo.gpg.key /usr/share/keyrings/
COPY .env.example .env.sample /app/
COPY .envrc.template /app/
