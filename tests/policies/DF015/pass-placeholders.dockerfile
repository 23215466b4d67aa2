FROM alpine:3.20
# Configure with https://user:<password>@host in production
RUN echo "see https://docs.example.com/setup" > /dev/null || true
RUN echo 'AKIAIOSFODNN7EXAMPLE is the documented example key'
