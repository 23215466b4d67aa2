"""Dockerfile plugin."""
