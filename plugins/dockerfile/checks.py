"""Every code check of the Dockerfile plugin, gathered from the modules that implement them.

Each check takes the document (its `parsed` is the `Dockerfile`) and the policy's params, and
yields a `Violation` at the line of the offending instruction, or of the offending command
inside a multi-line RUN.
"""

from __future__ import annotations

from . import commands, dockerignore, files, images, instructions, packages, pins, secrets, users

CHECKS = [
    *images.CHECKS,
    *users.CHECKS,
    *instructions.CHECKS,
    *files.CHECKS,
    *secrets.CHECKS,
    *commands.CHECKS,
    *packages.CHECKS,
    *pins.CHECKS,
    *dockerignore.CHECKS,
]
