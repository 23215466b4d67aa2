FROM docker.io/library/rust:1.82
COPY . .
RUN cargo build --release
