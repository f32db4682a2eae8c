"""The code host's task suite (intent_template_id 4000+), built from the seed database.

Information-seeking templates live in `tasks_lookup`, state-changing ones in `tasks_edits`, long ones (12-30
reference actions) in `tasks_long`; all read their subjects and expected answers through `queries`, so the suite
follows the seed rather than restating it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from webenv.sites.codehost import tasks_edits, tasks_long, tasks_lookup
from webenv.sites.codehost.task_steps import World


def build_tasks(db_path: Path) -> list[dict[str, Any]]:
    """WebArena-format configs (no task_id) with reference solutions, in template order."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        world = World.open(conn)
        builders = (*tasks_lookup.BUILDERS, *tasks_edits.BUILDERS, *tasks_long.BUILDERS)
        tasks = [task for builder in builders for task in builder(world)]
    finally:
        conn.close()
    return sorted(tasks, key=lambda task: task["intent_template_id"])
