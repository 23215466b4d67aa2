"""scaffold's built-in plugins, installed as `scaffold_plugins`.

Each module is registered under the `scaffold` entry-point group in pyproject.toml, exactly as a
third-party plugin would be: they use only the public API in `scaffold/__init__.py`.
"""
