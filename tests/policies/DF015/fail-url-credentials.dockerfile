FROM alpine:3.20
RUN git clone https://deploy:hunter2hunter2@git.example.com/team/app.git /src
