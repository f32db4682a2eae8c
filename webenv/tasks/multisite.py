"""Tasks that need two sites at once (WebArena-Lite has 10 such tasks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_tasks(databases: dict[str, Path]) -> list[dict[str, Any]]:
    return []
