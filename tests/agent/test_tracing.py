"""LangSmith tracing through the real `langsmith` client, posting to a loopback recorder (off by default)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.langsmith_recorder import Recorder, create_app
from tests.support.paths import REPO
from webenv.serving import serve_apps


@pytest.fixture
def recorder():
    record = Recorder()
    group = serve_apps({"langsmith": create_app(record)})
    yield group.urls["langsmith"], record
    group.stop()


def run_traced_episode(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "OPENAI_"))}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "-m", "tests.support.traced_episode"], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=180)


def test_runs_are_posted_with_node_names_task_id_and_mode(recorder) -> None:
    url, record = recorder
    done = run_traced_episode({"LANGSMITH_TRACING": "true", "LANGSMITH_ENDPOINT": url,
                               "LANGSMITH_API_KEY": "lsv2_test_key", "LANGSMITH_PROJECT": "plan-and-act-tests",
                               "PLAN_AND_ACT_SECRET_PASSWORD": "correct-horse-battery"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done $129.00"
    for name, count in {"planner": 1, "executor": 7, "observe": 8, "replan": 6}.items():
        runs = record.named(name)
        assert len(runs) == count, (name, len(runs))
        for run in runs:
            metadata = run["extra"]["metadata"]
            assert metadata["task_id"] == "traced-task-7" and metadata["mode"] == "plan_and_act"
    root = record.named("plan_and_act")
    assert len(root) == 1 and root[0]["outputs"]["answer"] == "$129.00"
    executor_ids = {run["id"] for run in record.named("executor")}
    children = [run for run in record.runs.values() if run.get("parent_run_id") in executor_ids]
    model_calls = [run for run in children if run["run_type"] == "llm"]
    assert len(model_calls) == 7 and {run["name"] for run in model_calls} == {"ReferencePolicy"}  # nested per node
    assert not any(b"correct-horse-battery" in body for body in record.raw)


def test_tracing_off_posts_nothing(recorder) -> None:
    url, record = recorder
    done = run_traced_episode({"LANGSMITH_ENDPOINT": url, "LANGSMITH_API_KEY": "lsv2_test_key"})
    assert done.returncode == 0, done.stderr
    assert record.requests == []  # not even /info: no network was touched
