"""The installed `plan-and-act` command in a subprocess, as a user runs it (no API keys, no tracing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO

SOLUTION = REPO / "tests/support/outfitters_solution.json"
INTENT = "Add Summit Hiking Boots to the cart and tell me the price"


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LANGSMITH_", "LANGCHAIN_"))}
    clean.update(env or {})
    clean["PYTHONUNBUFFERED"] = "1"
    command = str(Path(sys.executable).parent / "plan-and-act")  # the installed console script
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([command, *args], cwd=cwd, env=clean, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def reference_run(url: str, db: str | Path, thread: str) -> list[str]:
    return ["--checkpoint-db", str(db), "run", INTENT, "--start-url", url, "--thread-id", thread,
            "--planner-model", f"reference:{SOLUTION}", "--executor-model", f"reference:{SOLUTION}"]


def finish(process: subprocess.Popen[str], timeout: float = 300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def read_until(process: subprocess.Popen[str], prefix: str) -> list[str]:
    """Lines the process printed up to and including the first that starts with `prefix`."""
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith(prefix):
            return seen
    raise AssertionError(f"the process ended before printing {prefix!r}: {''.join(seen)} {process.communicate()}")
