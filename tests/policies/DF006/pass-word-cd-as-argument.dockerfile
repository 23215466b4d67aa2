FROM python:3.12.7-slim
RUN echo cd && git -C /src pull && make -C /src
