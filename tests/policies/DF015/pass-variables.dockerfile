FROM alpine:3.20
ARG GIT_HOST=git.example.com
RUN --mount=type=secret,id=token \
    git clone "https://x-access-token:$(cat /run/secrets/token)@${GIT_HOST}/team/app.git" /src \
 && curl -u "admin:${ADMIN_PASSWORD}" https://repo.example.com/ \
 && echo "app:${APP_PASSWORD}" | chpasswd \
 && mysql --password="$DB_PASSWORD" -e 'select 1'
