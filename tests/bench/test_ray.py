"""Sweeps on Ray: a head started here on loopback, real workers with their own embedded sites and browsers.

The Ray sweep must reach the in-process sweep's verdicts; a worker killed mid-episode costs only that episode
(run again on a new worker), and a driver killed mid-sweep costs nothing finished: the rerun runs only what is
missing and leaves every finished result file as it was.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.cli import main as bench_main
from graph.context import MODES, Context
from harness.episode import EpisodeResult, PolicyChoice
from harness.jobs import JobKey, JobStore, settings_hash
from tests.support.paths import REPO
from tests.support.ray_head import RayHead, local_ray_head
from webenv.server import start_environment

pytestmark = pytest.mark.slow

TASKS = "20,33,68,83,102"  # writes (a wish list, a price) next to reads, on three sites: resets matter
BENCH = [str(Path(sys.executable).parent / "plan-and-act-bench")]


@pytest.fixture(scope="module")
def ray_head() -> Iterator[RayHead]:
    with local_ray_head(cpus=2) as head:
        yield head


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple]:
    out = tmp_path_factory.mktemp("in-process")
    assert bench_main(["sweep", "--tasks", TASKS, "--workers", "2", "--out", str(out)]) == 0
    return verdicts(out)


def verdicts(out: Path, mode: str = "plan_and_act") -> dict[int, tuple]:
    """What a sweep concluded per task (ports differ between environments, so URLs are not compared)."""
    results = [json.loads(line) for line in (out / f"results-{mode}.jsonl").read_text().splitlines()]
    return {r["task_id"]: (r["status"], r["stop_reason"], r["score"], r["answer"], r["steps"],
                           [check.split("]")[0] for check in r["checks"]]) for r in results}


def start_driver(head: RayHead, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([*BENCH, "sweep", "--ray", "--tasks", TASKS, "--workers", "2", "--out", str(out)],
                            env=head.env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def lines_until(driver: subprocess.Popen[str], marker: str, seen: list[str]) -> str:
    """Read the driver's progress lines until one contains `marker` (a blocking read: no timing involved)."""
    assert driver.stderr is not None
    for line in driver.stderr:
        seen.append(line)
        if marker in line:
            return line
    raise AssertionError(f"the driver ended before printing {marker!r}:\n" + "".join(seen[-30:]))


def test_ray_sweep_reaches_the_in_process_verdicts(ray_head: RayHead, in_process: dict, tmp_path: Path) -> None:
    before = set(ray_head.tmp.glob("webenv-*"))
    run = subprocess.run([*BENCH, "sweep", "--ray", "--tasks", TASKS, "--workers", "2", "--out", str(tmp_path)],
                         env=ray_head.env, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    assert verdicts(tmp_path) == in_process
    assert all(v[2] == 1.0 for v in in_process.values())  # the oracle solves them: the comparison means something
    started = [line for line in run.stderr.splitlines() if "ray: started" in line]
    pids = {line.split("worker pid ")[1].split()[0] for line in started}
    assert len(started) == len(TASKS.split(",")) and len(pids) == 2  # two workers, each reused across episodes
    assert len(list((tmp_path / "jobs").glob("task-*.json"))) == len(TASKS.split(","))
    # The workers are gone and so are their sites' database copies (ray.kill runs no clean-up of its own).
    assert set(ray_head.tmp.glob("webenv-*")) - before == set()


def test_a_lost_worker_and_a_restarted_driver_rerun_only_what_is_missing(ray_head: RayHead, in_process: dict,
                                                                         tmp_path: Path) -> None:
    driver = start_driver(ray_head, tmp_path)
    seen: list[str] = []
    try:
        first = lines_until(driver, "ray: started", seen)  # a worker just took its first episode: kill it
        victim_task = first.split("started ")[1].split(" on ")[0]
        os.kill(int(first.split("worker pid ")[1].split()[0]), signal.SIGKILL)
        lost = lines_until(driver, "lost while running", seen)
        assert victim_task in lost
        lines_until(driver, "ray: finished", seen)  # at least one result is on disk: now lose the driver
        os.killpg(driver.pid, signal.SIGKILL)
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
        driver.wait(timeout=60)
    assert any(f"started {victim_task} " in line and "attempt 2" in line for line in seen)

    jobs = tmp_path / "jobs"
    before = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in jobs.glob("task-*.json")}
    done_tasks = {f"task {json.loads(blob)['key']['task_id']}" for _, blob in before.values()}
    assert 1 <= len(before) < len(TASKS.split(","))
    assert not list(jobs.glob(".*.tmp"))  # nothing half written

    rerun = subprocess.run([*BENCH, "sweep", "--ray", "--tasks", TASKS, "--workers", "2", "--out", str(tmp_path)],
                           env=ray_head.env, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"{len(before)} of {len(TASKS.split(','))} episodes already done" in rerun.stderr
    rerun_tasks = {line.split("started ")[1].split(" on ")[0] for line in rerun.stderr.splitlines()
                   if "ray: started" in line}
    assert rerun_tasks and not rerun_tasks & done_tasks  # only the missing ones ran again
    assert {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in jobs.glob("task-*.json")
            if path.name in before} == before
    assert verdicts(tmp_path) == in_process


def test_ray_ablation_reaches_the_in_process_table_and_a_rerun_runs_nothing(
        ray_head: RayHead, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ablation --ray` runs one sweep per mode on the cluster (a new pool each, jobs keyed by the mode's
    settings): its table and every mode's verdicts are the in-process ablation's, and the same command with the
    same --out finds every job done, starts no episode and leaves the finished results as they were."""
    ablation = ["ablation", "--tasks", "33", "--workers", "1"]  # one task (a write: the wish list) keeps it short
    assert bench_main([*ablation, "--out", str(tmp_path / "in-process")]) == 0
    table = capsys.readouterr().out.strip()
    expected = {mode: verdicts(tmp_path / "in-process", mode) for mode in MODES}
    assert all(v[2] == 1.0 for per_mode in expected.values() for v in per_mode.values())  # the oracle solves them

    out = tmp_path / "ray"
    command = [*BENCH, *ablation, "--ray", "--out", str(out)]
    run = subprocess.run(command, env=ray_head.env, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip() == table
    assert {mode: verdicts(out, mode) for mode in MODES} == expected
    assert run.stderr.count("ray: started") == len(MODES)  # every episode ran on the cluster, once
    jobs = {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in (out / "jobs").glob("task-*.json")}
    assert len(jobs) == len(MODES)  # one job per (task, mode): the mode is part of the key

    again = subprocess.run(command, env=ray_head.env, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "ray: started" not in again.stderr
    assert all(f"1 of 1 episodes already done ({mode}); running 0" in again.stderr for mode in MODES)
    assert again.stdout.strip() == table
    assert {path.name: (path.stat().st_mtime_ns, path.read_bytes())
            for path in (out / "jobs").glob("task-*.json")} == jobs
    assert {mode: verdicts(out, mode) for mode in MODES} == expected


def test_without_a_cluster_the_error_says_what_to_do(tmp_path: Path) -> None:
    env = {**os.environ, "RAY_ADDRESS": "127.0.0.1:9", "RAY_USAGE_STATS_ENABLED": "0"}
    run = subprocess.run([*BENCH, "sweep", "--ray", "--tasks", "20", "--out", str(tmp_path)], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "no Ray cluster at '127.0.0.1:9'" in run.stderr, run.stderr[-2000:]


@pytest.mark.unit
def test_job_keys_change_with_run_task_policy_and_settings(tmp_path: Path) -> None:
    base = JobKey.of("run-a", 5, PolicyChoice("oracle"), Context())
    assert base == JobKey.of("run-a", 5, PolicyChoice("oracle"), Context())
    others = [JobKey.of("run-b", 5, PolicyChoice("oracle"), Context()),
              JobKey.of("run-a", 6, PolicyChoice("oracle"), Context()),
              JobKey.of("run-a", 5, PolicyChoice("stop-at-once"), Context()),
              JobKey.of("run-a", 5, PolicyChoice("oracle"), Context(mode="react"))]
    assert len({key.filename for key in [base, *others]}) == 5
    assert settings_hash(Context(max_steps=7)) != settings_hash(Context())

    store = JobStore(tmp_path)
    result = EpisodeResult(task_id=5, group="shop", sites=["shopping"], eval_types=["string_match"], intent="i",
                           policy="oracle", mode="plan_and_act", status="done", stop_reason="", answer="a", score=1.0,
                           checks=[], steps=2, seconds=1.0)
    assert not store.has(base)
    store.put(base, result)
    assert store.has(base) and store.get(base) == result and not store.has(others[0])
    assert [p.name for p in tmp_path.iterdir()] == [base.filename]  # no temporary file left behind


def test_a_reset_environment_is_back_to_its_seed() -> None:
    import sqlite3

    with start_environment(["shopping"]) as env:
        path = next(iter(env.db_paths.values()))
        with sqlite3.connect(path) as conn:
            tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            rows, table = max((conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0], name) for name in tables)
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute(f'DELETE FROM "{table}"')
        env.reset()
        with sqlite3.connect(path) as conn:
            assert conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == rows > 0


def test_synth_collect_on_ray_keeps_verified_trajectories_and_resumes(ray_head: RayHead, tmp_path: Path) -> None:
    from synth.demo import demo_slice
    from synth.jsonl import read_jsonl

    collect = [str(Path(sys.executable).parent / "plan-and-act"), "synth", "collect", "--ray", "--workers", "2",
               "--quiet", "--out", str(tmp_path / "traj.jsonl")]
    for task_id in demo_slice(2):
        collect += ["--task", str(task_id)]
    run = subprocess.run(collect, env=ray_head.env, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stderr.count("ray: started") == 2
    trajectories = list(read_jsonl(tmp_path / "traj.jsonl"))
    # scored by the evaluator and passed the byte-for-byte prompt check on the worker (else it would be a reject)
    assert len(trajectories) == 2 and all(t["outcome"]["score"] == 1.0 for t in trajectories)
    assert not list(read_jsonl(tmp_path / "traj.rejects.jsonl"))
    before = (tmp_path / "traj.jsonl").read_bytes()
    again = subprocess.run(collect, env=ray_head.env, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0 and "ray: started" not in again.stderr  # all journaled: nothing ran again
    assert (tmp_path / "traj.jsonl").read_bytes() == before
