"""`-v` logging: each model call's raw output, the correction of an unusable one and the retry, a failed call —
and never a secret's value, whichever module logged it. Then the real CLI at -v, with a secret in the run, and
its --report."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from cli.logs import configure_logging
from nodes.model_calls import ask
from policies.scripted import ScriptedChatModel
from tests.support.paths import REPO

SECRET = "hunter2-very-secret"


def _parse(message: AIMessage) -> tuple[str | None, str]:
    text = str(message.content)
    return (text, "") if text.startswith("ok") else (None, "the answer must start with 'ok'")


@pytest.fixture
def log_stream(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PLAN_AND_ACT_SECRET_PASSWORD", SECRET)
    stream = io.StringIO()
    configure_logging(1, stream)
    yield stream
    configure_logging(0)


@pytest.mark.unit
async def test_raw_outputs_corrections_and_retries_are_logged_without_secrets(log_stream: io.StringIO) -> None:
    model = ScriptedChatModel(script=[f"my password is {SECRET}", "ok then"])
    answer = await ask(model, [HumanMessage("go")], "executor", _parse, retries=2)
    assert answer.value == "ok then" and answer.invalid == 1
    logged = log_stream.getvalue()
    assert "executor raw output (try 1): my password is {{secret:PASSWORD}}" in logged
    assert ("executor output unusable (try 1 of 3): the answer must start with 'ok'; correcting and asking again"
            in logged)
    assert "executor raw output (try 2): ok then" in logged
    assert SECRET not in logged


@pytest.mark.unit
async def test_a_failed_call_is_logged_with_its_traceback_redacted(log_stream: io.StringIO) -> None:
    class Broken(ScriptedChatModel):
        async def _agenerate(self, *args, **kwargs):  # type: ignore[override]
            raise ConnectionError(f"refused, token={SECRET}")

    answer = await ask(Broken(), [HumanMessage("go")], "planner", _parse, retries=1)
    assert answer.error.startswith("ConnectionError")
    logged = log_stream.getvalue()
    assert "WARNING nodes.model_calls: planner model call failed (try 1): ConnectionError" in logged
    assert "Traceback" in logged and "token={{secret:PASSWORD}}" in logged and SECRET not in logged


@pytest.mark.unit
def test_quiet_by_default() -> None:
    stream = io.StringIO()
    configure_logging(0, stream)
    logging.getLogger("nodes.model_calls").debug("raw output")
    logging.getLogger("nodes.model_calls").warning("a failure")
    assert stream.getvalue().count("\n") == 1 and "a failure" in stream.getvalue()


def test_the_cli_at_verbose_logs_model_output_and_writes_the_report(outfitters, tmp_path: Path) -> None:
    """A real run at -v with a secret whose value is on the page and in the answer: the log shows each call's raw
    output with the placeholder, and neither the log, the terminal nor the report holds the value."""
    url, shop = outfitters
    solution = REPO / "tests/support/outfitters_solution.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LANGSMITH_", "PLAN_AND_ACT_"))}
    env["PLAN_AND_ACT_SECRET_PRICE"] = "$129.00"
    report = tmp_path / "out" / "run.html"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "plan-and-act"), "--checkpoint-db", str(tmp_path / "cp.sqlite"), "run",
         "-v", "Add Summit Hiking Boots to the cart and tell me the price", "--start-url", url,
         "--planner-model", f"reference:{solution}", "--executor-model", f"reference:{solution}",
         "--report", str(report), "--price", f"reference:{solution}=1/1"],
        cwd=tmp_path, env=env, text=True, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert shop.cart == ["summit-boots"]
    assert "DEBUG nodes.model_calls: planner raw output (try 1): ## Step 1" in done.stderr
    assert "DEBUG nodes.model_calls: executor raw output (try 1): " in done.stderr
    assert "tool call stop({'answer': '{{secret:PRICE}}'})" in done.stderr
    html = report.read_text()
    assert "data-role='step'" in html and "data-role='outline'" in html and "$0.0" in html
    assert (tmp_path / "out" / "run-pictures").is_dir()
    for text in (done.stderr, done.stdout, html):
        assert "$129.00" not in text


def _stumbling_oracle(task_id: int):
    """The reference policy of an embedded task behind an OpenAI-compatible server, except that its first
    executor reply is prose without a tool call that quotes a secret: an unusable output the executor must
    correct and retry, and a raw output that must be logged redacted."""
    from langchain_core.messages import AIMessage

    from nodes import prompts
    from policies.reference import ReferencePolicy
    from webenv.tasks.suite import load_suite

    task = next(t for t in load_suite() if t.task_id == task_id)
    oracle = ReferencePolicy(solution=task.solution)
    stumbled = False

    def answer(messages):
        nonlocal stumbled
        if [m.text for m in messages] == [m.text for m in prompts.probe_messages()]:
            return AIMessage("OK")  # the sweep's check that the model answers at all
        if prompts.read_role(messages) == "executor" and not stumbled:
            stumbled = True
            return AIMessage(f"I would sign in with {SECRET} first, then look around.")
        return oracle.invoke(messages)

    return answer


def test_the_bench_cli_at_verbose_logs_raw_outputs_corrections_and_retries(tmp_path: Path) -> None:
    """`plan-and-act-bench sweep -v` on one task, with a model behind a loopback server that stumbles once: the
    log has each call's raw output (the secret in it as its placeholder), the correction and the retry; the same
    sweep without -v logs none of it. Neither run lets the secret's value reach the terminal."""
    from tests.support import openai_server
    from webenv.serving import serve_apps

    servers = serve_apps({quiet: openai_server.create_app(_stumbling_oracle(20), openai_server.CompletionLog())
                          for quiet in ("verbose", "quiet")})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LANGSMITH_", "PLAN_AND_ACT_"))}
    env.update(OPENAI_API_KEY="sk-loopback", PLAN_AND_ACT_SECRET_PASSWORD=SECRET)
    runs = {}
    try:
        for name in ("verbose", "quiet"):
            runs[name] = subprocess.run(
                [str(Path(sys.executable).parent / "plan-and-act-bench"), "sweep", *(["-v"] if name == "verbose"
                                                                                    else []),
                 "--tasks", "20", "--workers", "1", "--model", "openai:loopback",
                 "--base-url", servers.urls[name] + "/v1", "--out", str(tmp_path / name)],
                cwd=tmp_path, env=env, text=True, capture_output=True, timeout=300)
    finally:
        servers.stop()
    for name, run in runs.items():
        assert run.returncode == 0, run.stderr[-3000:]
        assert "| all | 1 | 1 | 100.0 |" in run.stdout, name  # it recovered from the stumble and solved the task
        assert run.stdout.startswith("| tasks | n |"), name  # the table alone: progress and logs are on stderr
        assert SECRET not in run.stderr + run.stdout, name
    logged = runs["verbose"].stderr
    assert "DEBUG nodes.model_calls: planner raw output (try 1): ## Step 1" in logged
    assert ("DEBUG nodes.model_calls: executor raw output (try 1): I would sign in with {{secret:PASSWORD}} first"
            in logged)
    assert "INFO nodes.model_calls: executor output unusable (try 1 of " in logged
    assert "DEBUG nodes.model_calls: executor raw output (try 2): Reference step: " in logged
    assert "tool call stop({'answer': " in logged and "replanner raw output (try 1)" in logged
    quiet = runs["quiet"].stderr
    assert "raw output" not in quiet and "unusable" not in quiet and "nodes.model_calls" not in quiet
