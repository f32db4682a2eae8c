"""The `plan-and-act` command in a subprocess: streaming, clear errors, and surviving SIGKILL."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver

from graph.builder import build_graph
from tests.support.cli_process import cli, finish, read_until, reference_run
from tests.support.ports import unused_port


def final_state(db: Path, thread: str) -> dict:
    with sqlite3.connect(db, check_same_thread=False) as conn:
        graph = build_graph(checkpointer=SqliteSaver(conn))
        return dict(graph.get_state({"configurable": {"thread_id": thread}}).values)


def test_run_streams_plan_actions_and_answer(outfitters, tmp_path: Path) -> None:
    url, shop = outfitters
    code, out, err = finish(cli(*reference_run(url, tmp_path / "cp.sqlite", "streamed"), cwd=tmp_path))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "thread streamed  mode plan_and_act"
    plan_at = lines.index("plan (4 steps):")
    first_action = next(i for i, line in enumerate(lines) if line.startswith("→ "))
    assert plan_at < first_action and lines[plan_at + 1] == "  1. Open the catalog"
    assert [line.split(" ok:")[0] for line in lines if line.startswith("step ")] == [f"step {n}" for n in range(1, 8)]
    assert "  note: Summit Hiking Boots cost $129.00" in lines
    assert "answer: $129.00" in lines and "status: done (the executor called stop)" in lines
    assert shop.cart == ["summit-boots"]
    assert (tmp_path / "cp.sqlite").is_file()  # checkpointed by default


def test_sigkill_after_step_2_then_resume_matches_an_uninterrupted_run(outfitters, tmp_path: Path) -> None:
    url, shop = outfitters
    db = tmp_path / "cp.sqlite"
    code, _out, err = finish(cli(*reference_run(url, db, "whole"), cwd=tmp_path))
    assert code == 0, err
    whole = final_state(db, "whole")
    shop.cart.clear()

    shop.results_gate.close()  # the search results (step 4) cannot load: the run cannot finish before the kill
    process = cli(*reference_run(url, db, "killed"), cwd=tmp_path)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("step 2 ok"):
            break
    else:
        raise AssertionError(f"the run ended before step 2: {process.communicate()}")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    interrupted = final_state(db, "killed")
    assert 2 <= len(interrupted["history"]) < len(whole["history"]) and interrupted.get("status") == "running"

    shop.results_gate.opened.set()
    code, out, err = finish(cli("--checkpoint-db", str(db), "resume", "killed", cwd=tmp_path))
    assert code == 0, err
    assert "browser re-created at the last page (resume)" in out and "answer: $129.00" in out
    resumed = final_state(db, "killed")
    assert resumed["answer"] == whole["answer"] == "$129.00"
    assert [(s["action"], s["args"]) for s in resumed["history"]] == [(s["action"], s["args"]) for s in whole["history"]]
    assert resumed["resumes"] == 1 and shop.cart == ["summit-boots"]


def test_sigterm_interrupts_a_run_as_ctrl_c_does_and_keeps_its_checkpoint(outfitters, tmp_path: Path) -> None:
    """A scheduler or `kill` sends SIGTERM: the run says how to resume and exits 130 instead of dying silently."""
    url, shop = outfitters
    db = tmp_path / "cp.sqlite"
    shop.results_gate.close()  # step 4's search results cannot load: the run is still going when it is stopped
    try:
        process = cli(*reference_run(url, db, "termed"), cwd=tmp_path)
        read_until(process, "step 2 ok")
        process.send_signal(signal.SIGTERM)
        code, _out, err = finish(process)
    finally:
        shop.results_gate.opened.set()
    assert code == 130, err
    assert "interrupted; continue with: plan-and-act resume termed" in err and "Traceback" not in err
    state = final_state(db, "termed")
    assert len(state["history"]) >= 2 and state.get("status") == "running"


def test_resume_of_a_finished_run_reports_it_without_acting(outfitters, tmp_path: Path) -> None:
    url, _shop = outfitters
    db = tmp_path / "cp.sqlite"
    assert finish(cli(*reference_run(url, db, "done"), cwd=tmp_path))[0] == 0
    code, out, _err = finish(cli("--checkpoint-db", str(db), "resume", "done", cwd=tmp_path))
    assert code == 0 and "answer: $129.00" in out and "→ " not in out


def test_user_errors_are_one_clear_line(outfitters, tmp_path: Path) -> None:
    url, _shop = outfitters
    code, out, err = finish(cli("run", "x", "--start-url", "not-a-url", cwd=tmp_path))
    assert code == 2 and err.strip() == "error: 'not-a-url' is not a URL the browser can open (expected http://host/...)"
    code, out, err = finish(cli("run", "x", "--start-url", url, cwd=tmp_path))  # default model, no key
    assert code == 2 and err.strip() == ("error: the planner model 'openai:gpt-4o-mini' needs an API key: set "
                                         "OPENAI_API_KEY in the environment (or point --base-url at an "
                                         "OpenAI-compatible server)")
    code, out, err = finish(cli("resume", "no-such-thread", cwd=tmp_path))
    assert code == 2 and err.startswith("error: no run with thread id 'no-such-thread'")
    code, out, err = finish(cli("run", "x", "--start-url", url, "--thread-id", "t", "--mode", "react",
                                "--executor-model", "reference:/missing.json", cwd=tmp_path))
    assert code == 2 and "reference solution file not found: /missing.json" in err
    assert "Traceback" not in out + err


def test_unreachable_page_ends_with_the_reason(tmp_path: Path) -> None:
    port = unused_port()
    code, out, err = finish(cli(*reference_run(f"http://127.0.0.1:{port}/", tmp_path / "cp.sqlite", "t"), cwd=tmp_path))
    assert code == 1 and "Traceback" not in out + err
    assert f"status: failed (could not load the start page http://127.0.0.1:{port}/: " in out
    assert "ERR_CONNECTION_REFUSED" in out


def test_demo_runs_a_multi_step_task_and_prints_the_verdict(tmp_path: Path) -> None:
    code, out, err = finish(cli("demo", cwd=tmp_path))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("demo task ") and "Buy the highest rated product" in lines[0]
    assert "policy: the reference policy" in lines[1] and "mode: plan_and_act" in lines[1]
    assert any(line.startswith("plan (") for line in lines)
    assert sum(line.startswith("→ ") for line in lines) >= 5  # a multi-step task, streamed action by action
    assert any(line.startswith("replanned: ") for line in lines)
    assert any(line.startswith("evaluator: PASS (score 1)") for line in lines)
    assert lines[-1] == "stopped the sites and the browser"


def test_demo_with_a_real_model_but_no_key_says_so(tmp_path: Path) -> None:
    code, out, err = finish(cli("demo", "--model", "openai:gpt-4o-mini", cwd=tmp_path))
    assert code == 2 and "needs an API key: set OPENAI_API_KEY" in err and "Traceback" not in out + err
