"""How big checkpoints get as an episode goes on.

Step records keep the page the executor saw (so episodes become training data without re-running), which makes
state grow with every action. The plan and step histories are append-only lists, so a checkpoint after n
actions should weigh a constant plus n times the size of one step (linear), never more (quadratic would mean
something copies the whole history into each record). This runs the oracle on the suite's longest tasks with a
SQLite checkpointer and reads each checkpoint's stored size back from the database.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graph.checkpoint import open_checkpointer
from graph.context import Context
from harness.episode import PolicyChoice, run_embedded_task
from webenv.tasks.suite import EmbeddedTask, load_suite


@dataclass(frozen=True)
class Growth:
    task_id: int
    actions: int
    sizes: list[tuple[int, int]]  # (actions taken, checkpoint bytes) for the last checkpoint at each count
    database_bytes: int

    @property
    def per_action(self) -> list[int]:
        return [b - a for (_, a), (_, b) in zip(self.sizes, self.sizes[1:])]

    def linear_fit(self) -> tuple[float, float, float]:
        """(intercept bytes, bytes per action, R²) of a least-squares line through the sizes."""
        xs = [float(x) for x, _ in self.sizes]
        ys = [float(y) for _, y in self.sizes]
        n = len(xs)
        mx, my = sum(xs) / n, sum(ys) / n
        sxx = sum((x - mx) ** 2 for x in xs) or 1.0
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
        intercept = my - slope * mx
        total = sum((y - my) ** 2 for y in ys) or 1.0
        residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys))
        return intercept, slope, 1.0 - residual / total


def _sizes(database: Path, thread_id: str) -> list[tuple[int, int]]:
    """(actions, bytes) for each checkpoint of the thread, keeping the largest per action count."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    serde = JsonPlusSerializer()
    by_actions: dict[int, int] = {}
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT type, checkpoint FROM checkpoints WHERE thread_id = ? ORDER BY checkpoint_id",
                            (thread_id,)).fetchall()
    for kind, blob in rows:
        checkpoint = serde.loads_typed((kind, blob))
        actions = len(checkpoint.get("channel_values", {}).get("history", []) or [])
        by_actions[actions] = max(by_actions.get(actions, 0), len(blob))
    return sorted(by_actions.items())


async def measure(task: EmbeddedTask) -> Growth:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "checkpoints.sqlite"
        async with open_checkpointer(database) as saver:
            result = await run_embedded_task(task, PolicyChoice("oracle"), Context(), checkpointer=saver)
        if not result.passed:
            raise RuntimeError(f"the oracle failed task {task.task_id}: {result.stop_reason} {result.checks}")
        return Growth(task.task_id, result.steps, _sizes(database, result.thread_id), database.stat().st_size)


def longest_tasks(count: int) -> list[EmbeddedTask]:
    return sorted(load_suite(), key=lambda t: (-len(t.solution.actions), t.task_id))[:count]


def growth_report(growths: list[Growth]) -> str:
    lines = ["| task | actions | first checkpoint | last checkpoint | bytes per action (fit) | R² of a line | "
             "largest step / median step | database |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for growth in growths:
        intercept, slope, r2 = growth.linear_fit()
        steps = sorted(growth.per_action)
        ratio = max(steps) / steps[len(steps) // 2] if steps and steps[len(steps) // 2] > 0 else 0.0
        lines.append(f"| {growth.task_id} | {growth.actions} | {growth.sizes[0][1]:,} B | {growth.sizes[-1][1]:,} B "
                     f"| {slope:,.0f} | {r2:.3f} | {ratio:.1f} | {growth.database_bytes / 1e6:.2f} MB |")
    return "\n".join(lines)
