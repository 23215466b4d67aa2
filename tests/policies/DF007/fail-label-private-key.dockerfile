FROM python:3.12.7-slim
LABEL com.example.deploy-key="-----BEGIN OPENSSH PRIVATE KEY-----"
