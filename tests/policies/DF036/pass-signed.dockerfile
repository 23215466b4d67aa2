FROM debian:12.7-slim
RUN curl -fsSLo /etc/apt/keyrings/x.asc https://repo.example.com/key.asc \
    && echo "deb [signed-by=/etc/apt/keyrings/x.asc] https://repo.example.com/ stable main" > /etc/apt/sources.list.d/x.list \
    && apt-get update && apt-get install -y tool \
    && printf '[x]\ngpgcheck=1\n' > /tmp/x.repo
ENV GOPRIVATE=git.example.com GOSUMDB=sum.golang.org
