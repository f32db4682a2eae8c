"""What a user sees when a sweep cannot run or is stopped: an unreachable model fails the sweep before any episode
with the reason and a non-zero exit; a model that fails mid-sweep leaves unscored errors, not agent failures, and
stops the sweep once it keeps failing; Ctrl-C keeps what finished, says how to go on, prints no traceback and leaves
no browser or Playwright driver behind; `--resume` runs only the rest."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from langchain_core.messages import AIMessage, BaseMessage

from bench.results import read_jsonl, summary_table
from bench.sweep import MODEL_FAILURES_TO_ABORT
from nodes import prompts
from policies.scripted import tool_call
from tests.support import openai_server
from tests.support.paths import REPO
from tests.support.ports import unused_port
from tests.support.processes import in_session, settle_count
from webenv.serving import serve_apps
from webenv.tasks.suite import load_suite

TASKS = "0-5"
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "OPENAI_API_KEY": ""}


def _as_in_a_terminal() -> None:
    """Ctrl-C reaches a command run in a terminal; a test runner started in the background ignores SIGINT, and
    its children would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _sweep(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bench", "sweep", *args], cwd=REPO, env=env or ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_as_in_a_terminal)


def _until_the_first_result(sweep: subprocess.Popen[str], results: Path) -> None:
    """Returns once an episode's result is on disk and the sweep is still running (to be stopped)."""
    deadline = time.monotonic() + 300
    while not _lines(results) and sweep.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)  # polling for the first result on disk; the assertions after it do not depend on timing
    assert sweep.poll() is None, "the sweep ended before it could be stopped"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def test_an_unreachable_model_fails_the_sweep_before_any_episode(tmp_path: Path) -> None:
    sweep = _sweep("--model", "openai:nowhere", "--base-url", f"http://127.0.0.1:{unused_port()}/v1",
                   "--tasks", TASKS, "--out", str(tmp_path))
    out, err = sweep.communicate(timeout=300)
    assert sweep.returncode == 2, (out, err)
    assert err.startswith("error: ") and "nowhere" in err and "Traceback" not in err
    assert _lines(tmp_path / "results-plan_and_act.jsonl") == []  # no episode was recorded as an agent failure
    assert settle_count(lambda: len(in_session(sweep.pid)), 0) == 0


def test_a_model_failing_mid_sweep_is_an_unscored_error_and_stops_the_sweep(tmp_path: Path) -> None:
    """Infrastructure failures must not read as the agent's: a model server that answers the probe and then
    fails some episodes with 500s. Episodes run one at a time in task order: task 0 is answered right, task 1
    fails, task 2 is answered wrong (an agent failure), tasks 3-5 fail in a row, so task 6 is never started."""
    tasks = {task.task_id: task for task in load_suite() if task.task_id in range(7)}
    assert MODEL_FAILURES_TO_ABORT == 3  # tasks 3, 4 and 5 are the failures in a row
    failing = {1, 3, 4, 5}
    asked: set[int] = set()

    def model(messages: list[BaseMessage]) -> AIMessage | openai_server.Fault:
        text = "\n".join(message.text for message in messages)
        if prompts.probe_messages()[0].text in text:
            return AIMessage("OK")
        task_id = next(i for i, task in tasks.items() if task.config.intent in text)
        asked.add(task_id)
        if task_id in failing:
            return openai_server.Fault(500, "the model server is down")
        return tool_call("stop", answer=tasks[0].solution.answer if task_id == 0 else "I could not find it.")

    log = openai_server.CompletionLog()
    server = serve_apps({"openai": openai_server.create_app(model, log)})
    try:
        sweep = _sweep("--model", "openai:loopback", "--base-url", server.urls["openai"] + "/v1", "--mode", "react",
                       "--tasks", "0-6", "--workers", "1", "--out", str(tmp_path))
        out, err = sweep.communicate(timeout=600)
    finally:
        server.stop()
    assert sweep.returncode == 3, (out, err)
    reason = err.splitlines()[-1]  # warnings and the failed calls are logged before it
    assert reason.startswith(f"error: stopped after 6 of 7 episodes: the model failed {MODEL_FAILURES_TO_ABORT} "
                             "episodes in a row; last error: "), err
    assert "the model server is down" in reason and "Traceback" not in err
    assert asked == set(range(6))  # task 6 was not started
    results = read_jsonl(tmp_path / "results-react.jsonl")
    assert [(r.task_id, r.status, r.error_kind, r.score) for r in results] == [
        (0, "done", "", 1.0), (1, "error", "model", 0.0), (2, "done", "", 0.0),
        (3, "error", "model", 0.0), (4, "error", "model", 0.0), (5, "error", "model", 0.0)]
    assert all("the model server is down" in r.error for r in results if r.status == "error")
    # The success rate counts the two episodes the agent is judged on; the four errors are listed apart.
    table = summary_table(results)
    assert "| all | 2 | 1 | 50.0 |" in table
    assert "Not scored: 4 episodes ended by an infrastructure error (model 4)" in table
    assert table in out  # what finished is shown, and reported, before the sweep says why it stopped
    assert "(stopped)" in (tmp_path / "report-react.html").read_text()
    assert settle_count(lambda: len(in_session(sweep.pid)), 0) == 0


def test_ctrl_c_keeps_what_finished_and_resume_runs_only_the_rest(tmp_path: Path) -> None:
    results = tmp_path / "results-react.jsonl"
    sweep = _sweep("--policy", "stop-at-once", "--mode", "react", "--tasks", TASKS, "--workers", "1",
                   "--out", str(tmp_path))
    _until_the_first_result(sweep, results)
    os.kill(sweep.pid, signal.SIGINT)
    out, err = sweep.communicate(timeout=300)
    assert sweep.returncode == 130, (out, err)
    assert "Traceback" not in err and "--resume" in err
    kept = _lines(results)
    assert 1 <= len(kept) < 6 and all(r["status"] == "done" for r in kept)
    # No Chromium and no Playwright driver outlives the interrupted sweep.
    assert settle_count(lambda: len(in_session(sweep.pid)), 0) == 0

    resumed = _sweep("--policy", "stop-at-once", "--mode", "react", "--tasks", TASKS, "--workers", "1",
                     "--out", str(tmp_path), "--resume")
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, (out, err)
    final = _lines(results)
    assert sorted(r["task_id"] for r in final) == list(range(6))
    assert final[:len(kept)] == kept  # the finished ones were kept as they were, not run again
    assert settle_count(lambda: len(in_session(resumed.pid)), 0) == 0


def test_sigterm_stops_a_sweep_as_ctrl_c_does_and_leaves_no_files_behind(tmp_path: Path) -> None:
    """Schedulers, `docker stop` and `kill` send SIGTERM: the sweep keeps what finished, says how to resume, and
    removes its sites' databases and Chromium's profile (both live under TMPDIR) instead of dying on the spot."""
    # Short, as under /tmp: Chromium's profile holds a Unix socket, whose path may not exceed 107 bytes.
    scratch = Path(tempfile.mkdtemp(prefix="pa-"))
    try:
        _stop_with_sigterm(tmp_path, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _stop_with_sigterm(tmp_path: Path, scratch: Path) -> None:
    results = tmp_path / "results-react.jsonl"
    sweep = _sweep("--policy", "stop-at-once", "--mode", "react", "--tasks", TASKS, "--workers", "1",
                   "--out", str(tmp_path), env={**ENV, "TMPDIR": str(scratch)})
    _until_the_first_result(sweep, results)
    assert any(scratch.iterdir())  # the running sites' databases are there
    os.kill(sweep.pid, signal.SIGTERM)
    out, err = sweep.communicate(timeout=300)
    assert sweep.returncode == 130, (out, err)
    assert "Traceback" not in err and "--resume" in err
    kept = _lines(results)
    assert 1 <= len(kept) < 6 and all(r["status"] == "done" for r in kept), [(r["status"], r["error"]) for r in kept]
    assert settle_count(lambda: len(in_session(sweep.pid)), 0) == 0
    # Only tiktoken's vocabulary cache, which is meant to outlive the process, stays.
    assert sorted(p.name for p in scratch.iterdir()) in ([], ["data-gym-cache"])
