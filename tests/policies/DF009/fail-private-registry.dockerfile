FROM registry.example.net:5000/base/python:3.12
