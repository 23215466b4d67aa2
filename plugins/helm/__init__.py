"""Helm charts: rendered with `helm template` and checked as Kubernetes objects."""
