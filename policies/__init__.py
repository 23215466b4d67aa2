"""scaffold's built-in policy files, installed as `scaffold_policies` (data only)."""

from pathlib import Path

POLICY_ROOT = Path(__file__).parent
