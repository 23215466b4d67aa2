"""checkov, wrapped: one run per scan over the Kubernetes manifests of the tree."""
