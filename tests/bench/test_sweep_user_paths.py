"""What a user sees when a sweep cannot run or is stopped: an unreachable model fails the sweep before any episode
with the reason and a non-zero exit; Ctrl-C keeps what finished, says how to go on, prints no traceback and leaves
no browser or Playwright driver behind; `--resume` runs only the rest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.paths import REPO
from tests.support.ports import unused_port
from tests.support.processes import in_session, settle_count

TASKS = "0-5"
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "OPENAI_API_KEY": ""}


def _as_in_a_terminal() -> None:
    """Ctrl-C reaches a command run in a terminal; a test runner started in the background ignores SIGINT, and
    its children would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _sweep(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bench", "sweep", *args], cwd=REPO, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=_as_in_a_terminal)


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


def test_ctrl_c_keeps_what_finished_and_resume_runs_only_the_rest(tmp_path: Path) -> None:
    results = tmp_path / "results-react.jsonl"
    sweep = _sweep("--policy", "stop-at-once", "--mode", "react", "--tasks", TASKS, "--workers", "1",
                   "--out", str(tmp_path))
    deadline = time.monotonic() + 300
    while not _lines(results) and sweep.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)  # polling for the first result on disk; the assertions below do not depend on timing
    assert sweep.poll() is None, "the sweep ended before it could be interrupted"
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
