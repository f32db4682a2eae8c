"""Kill an episode anywhere, resume it, and compare the site's database with an uninterrupted run's.

A side-effecting task (a forum post, stars on projects) runs in `tests.support.kill_episode` subprocesses against
a fresh copy of the embedded sites. `killed_and_resumed` SIGKILLs it at one point (or after a random delay),
resumes it in a new process and returns what the site's database and the evaluator say; `reference` does the
same without the kill. Timestamps of rows are masked: everything else must be identical.

    python -m tests.support.kill_matrix --random 30 --benchmarks-section kill-resume   # the benchmark
    python -m tests.support.kill_matrix --every-point --task 85                        # every kill point
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.progress import Progress

from bench.benchmarks_md import update_section
from tests.support.paths import REPO
from webenv.server import Environment, start_environment
from webenv.tasks.suite import task_by_id

TASKS = (85, 132)  # post a question on the forum (one post); star the 3 most starred projects (three toggles)
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?")


@dataclass
class Outcome:
    database: dict[str, list[tuple[Any, ...]]]
    score: float | None
    status: str
    steps: int
    killed: bool
    passed: dict[str, int]
    order: list[str]
    results: list[str]

    def same_as(self, other: Outcome) -> bool:
        return self.database == other.database and self.score == other.score


def digest(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, with timestamps masked (writes use the real clock)."""
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        content = {}
        for table in sorted(tables):
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
            content[table] = sorted(tuple(_TIMESTAMP.sub("<time>", v) if isinstance(v, str) else v for v in row)
                                    for row in rows)
    return content


def _environment(task_id: int) -> tuple[Environment, str]:
    task = task_by_id(str(task_id))
    env = start_environment(task.sites)
    storage = env.workdir / "storage_state.json"
    storage.write_text(json.dumps(env.storage_state([s for s in task.sites if env.spec(s).login])))
    return env, str(storage)


def _spec_file(workdir: Path, **spec: Any) -> Path:
    path = workdir / f"spec-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(spec))
    return path


def _run(spec: Path, kill_after_s: float | None = None) -> tuple[dict[str, Any] | None, bool]:
    """Run the episode process; returns (its report or None if it died, whether it was killed)."""
    process = subprocess.Popen([sys.executable, "-m", "tests.support.kill_episode", str(spec)], cwd=REPO,
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_after_s is not None:
        try:
            process.wait(timeout=kill_after_s)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
    out, err = process.communicate(timeout=600)
    if process.returncode == -signal.SIGKILL:
        return None, True
    if process.returncode != 0:
        raise RuntimeError(f"episode process failed ({process.returncode}):\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), False


def killed_and_resumed(task_id: int, kill: str = "never", kill_after_s: float | None = None) -> Outcome:
    """One episode in fresh sites, SIGKILLed at `kill` (or after `kill_after_s`), then resumed to the end."""
    env, storage = _environment(task_id)
    try:
        database = env.db_paths[env.spec(task_by_id(str(task_id)).sites[0]).database]
        with tempfile.TemporaryDirectory(prefix="kill-") as folder:
            workdir = Path(folder)
            common = {"task_id": task_id, "placeholders": env.placeholders, "storage_state": storage,
                      "db": str(workdir / "checkpoints.sqlite"), "thread_id": "t"}
            report, killed = _run(_spec_file(workdir, **common, kill=kill), kill_after_s)
            if killed:
                report, _ = _run(_spec_file(workdir, **common, resume=True))
            assert report is not None
            return Outcome(database=digest(database), score=report["score"], status=report["status"],
                           steps=report["steps"], killed=killed, passed=report["passed"], order=report["order"],
                           results=report["results"])
    finally:
        env.stop()


def reference(task_id: int) -> Outcome:
    return killed_and_resumed(task_id)


def every_point(counts: dict[str, int]) -> list[str]:
    return [f"{name}:{n}" for name, count in sorted(counts.items()) for n in range(1, count + 1)]


def around_action(order: list[str], action: int) -> list[str]:
    """The points from the checkpoint written before the `action`-th browser action starts to the one written
    after it: where a kill can catch an action that ran but was not yet recorded."""
    start = order.index(f"tool-before:{action}")
    end = order.index(f"tool-after:{action}")
    before = max(i for i in range(start) if order[i].startswith("checkpoint-after"))
    after = next(i for i in range(end, len(order)) if order[i].startswith("checkpoint-after"))
    return order[before:after + 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--random", type=int, default=0, help="this many kills at random moments")
    parser.add_argument("--every-point", action="store_true", help="a kill at every instrumented point")
    parser.add_argument("--task", type=int, action="append", help=f"task ids (default {TASKS})")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--benchmarks-section", default="")
    parser.add_argument("--benchmarks-md", default="BENCHMARKS.md")
    args = parser.parse_args(argv)
    tasks = tuple(args.task or TASKS)
    rng = random.Random(args.seed)
    started = time.monotonic()
    references = {task: reference(task) for task in tasks}
    trials: list[tuple[int, str, Outcome]] = []
    with Progress() as progress:
        if args.every_point:
            for task in tasks:
                points = every_point(references[task].passed)
                bar = progress.add_task(f"task {task}: every point", total=len(points))
                for point in points:
                    trials.append((task, point, killed_and_resumed(task, kill=point)))
                    progress.advance(bar)
        if args.random:
            bar = progress.add_task("random kills", total=args.random)
            durations = {task: _duration(task) for task in tasks}
            # A moment past the end of a run kills nothing; such a trial is listed ("ran out") but does not count,
            # so the table holds `--random` real kills (a bounded number of draws, in case runs got much faster).
            index = 0
            while sum(o.killed for _t, _p, o in trials) < args.random and index < 3 * args.random:
                task = tasks[index % len(tasks)]
                index += 1
                moment = rng.uniform(0.5, durations[task])
                trials.append((task, f"after {moment:.2f} s", killed_and_resumed(task, kill_after_s=moment)))
                if trials[-1][2].killed:
                    progress.advance(bar)
    identical = sum(outcome.same_as(references[task]) for task, _point, outcome in trials)
    killed = sum(outcome.killed for _task, _point, outcome in trials)
    rows = ["| task | killed at | killed | database as uninterrupted | score | steps |", "|---:|---|---|---|---:|---:|"]
    rows += [f"| {task} | {point} | {'yes' if o.killed else 'ran out'} | {'yes' if o.same_as(references[task]) else 'NO'}"
             f" | {o.score} | {o.steps} |" for task, point, o in trials]
    summary = (f"{identical}/{len(trials)} identical to an uninterrupted run (site database and verdict); "
               f"{killed} of them were killed before they finished (the rest ran out before their moment); "
               f"{time.monotonic() - started:.0f} s.")
    print("\n".join(rows))
    print(summary)
    if args.benchmarks_section:
        command = "python -m tests.support.kill_matrix " + " ".join(argv if argv is not None else sys.argv[1:])
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`{command}` — {dt.date.today().isoformat()}: tasks {', '.join(map(str, tasks))} (oracle), "
                       f"each killed with SIGKILL and resumed in a new process.\n\n{summary}\n\n" + "\n".join(rows))
    return 0 if identical == len(trials) and killed >= args.random else 1


def _duration(task_id: int) -> float:
    """How long the episode process of an uninterrupted run lives here (random kills land inside it): timed from
    its start to its exit, as `kill_after_s` is, not counting the sites started before it."""
    env, storage = _environment(task_id)
    try:
        with tempfile.TemporaryDirectory(prefix="kill-") as folder:
            workdir = Path(folder)
            spec = _spec_file(workdir, task_id=task_id, placeholders=env.placeholders, storage_state=storage,
                              db=str(workdir / "checkpoints.sqlite"), thread_id="t")
            started = time.monotonic()
            _run(spec)
            return time.monotonic() - started
    finally:
        env.stop()


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["Outcome", "around_action", "asdict", "every_point", "killed_and_resumed", "reference"]
