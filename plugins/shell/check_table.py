"""The code checks of the shell plugin, by reference.

Each function is named as `module:function` and imported the first time a document
needs it (see `scaffold.Check`): every run registers every check, and a one-file
pre-commit run should not import the code of checks it never calls.
"""

from __future__ import annotations

from scaffold import Check

_AT = "scaffold_plugins.shell."


CHECKS = [
    Check("shell.strict-mode", _AT + "checks:strict_mode_check",
          {
              "type": "object",
              "additionalProperties": False,
              "properties": {"pipefail_dialects": {"type": "array", "items": {"type": "string"}}},
          }),
    Check("shell.pipe-to-shell", _AT + "checks:pipe_to_shell"),
    Check("shell.rm-unguarded", _AT + "checks:rm_unguarded"),
    Check("shell.eval-variable", _AT + "checks:eval_variable"),
    Check("shell.chmod-world-writable", _AT + "checks:chmod_world_writable"),
    Check("shell.tls-verification", _AT + "checks:tls_verification"),
]
