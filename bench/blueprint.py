"""The blueprint case of the benchmark: how long a user waits for a full render.

    python bench/run.py --case blueprint [--repeat 5]

Times, as medians over --repeat runs of the real console scripts, `copier copy --defaults`
from the repository root (the target: <= 1.5 s), `scaffold new --defaults` (the same through
scaffold's CLI) and `scaffold check` on the result (checkov off; helm and kustomize used when on
PATH, as in CI).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr}")
    return elapsed


def _template(work: Path) -> Path:
    """The blueprints as Copier sees a checkout (copied, so the working tree is not a factor)."""
    root = work / "template"
    root.mkdir()
    shutil.copy(REPO / "copier.yml", root / "copier.yml")
    shutil.copytree(REPO / "blueprints", root / "blueprints",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return root


def blueprint_case(repeat: int) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        template = _template(work)
        copies = [_timed([str(BIN / "copier"), "copy", "--defaults", "--quiet", str(template),
                          str(work / f"copy-{n}")], work) for n in range(repeat)]
        news = [_timed([str(BIN / "scaffold"), "new", str(work / f"new-{n}"), "--defaults"], work)
                for n in range(repeat)]
        out = work / "copy-0"
        files = sum(1 for path in out.rglob("*") if path.is_file())
        checks = [_timed([str(BIN / "scaffold"), "check", "--disable-plugin", "checkov",
                          "--fail-on", "never", "."], out) for _ in range(repeat)]
    print(f"render: {files} files from `--defaults`")
    print(f"copier copy --defaults (CLI):   median {statistics.median(copies):.2f} s, "
          f"best {min(copies):.2f} s   (target <= 1.5 s)")
    print(f"scaffold new --defaults (CLI):  median {statistics.median(news):.2f} s, "
          f"best {min(news):.2f} s")
    print(f"scaffold check on the render:   median {statistics.median(checks):.2f} s, "
          f"best {min(checks):.2f} s")
    return 0
