FROM ubuntu:24.04
RUN sh -c "sudo chown app /data"
