FROM alpine:3.20
RUN apk add --no-cache curl || true
RUN echo "a|b" > /tmp/x && grep -q 'a|b' /tmp/x
RUN ["sh", "-c", "echo hi | tee /tmp/x"]
