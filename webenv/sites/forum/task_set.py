"""Every forum task: the curated templates (`tasks`) and the long ones (`long_tasks`, which build on the curated
module's helpers). Apart from both so neither imports the other both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from webenv.sites.common import connect
from webenv.sites.forum import long_tasks, tasks


def build_tasks(db_path: Path) -> list[dict[str, Any]]:
    with connect(db_path) as conn:
        return [task for builder in (*tasks.BUILDERS, *long_tasks.BUILDERS) for task in builder(conn)]
