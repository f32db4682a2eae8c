"""`plan-and-act run --approve-plan ...` as a person uses it: answers piped in, or typed into a pseudo-terminal
with $EDITOR — approve, edit (inline or in the editor), reject, and a run left paused and picked up later."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver

from graph.builder import build_graph
from tests.support.paths import REPO

SOLUTION = REPO / "tests/support/outfitters_solution.json"
INTENT = "Add Summit Hiking Boots to the cart and tell me the price"
COMMAND = str(Path(sys.executable).parent / "plan-and-act")
EDITED = ["## Step 1", "Reasoning: a person knows the way", "Step: Go straight to the boots", "",
          "## Notes", "- edited at the terminal"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("OPENAI_", "LANGSMITH_", "LANGCHAIN_")) and k not in ("EDITOR", "VISUAL")}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def run_args(url: str, db: Path, thread: str, *extra: str) -> list[str]:
    return ["--checkpoint-db", str(db), "run", INTENT, "--start-url", url, "--thread-id", thread,
            "--planner-model", f"reference:{SOLUTION}", "--executor-model", f"reference:{SOLUTION}",
            "--approve-plan", "first", *extra]


def piped(args: list[str], answers: str, cwd: Path) -> tuple[int, str, str]:
    done = subprocess.run([COMMAND, *args], input=answers, cwd=cwd, env=_env(), text=True, capture_output=True,
                          timeout=300)
    return done.returncode, done.stdout, done.stderr


def final_state(db: Path, thread: str) -> dict:
    with sqlite3.connect(db, check_same_thread=False) as conn:
        graph = build_graph(checkpointer=SqliteSaver(conn))
        return dict(graph.get_state({"configurable": {"thread_id": thread}}).values)


def test_approve_from_a_pipe(outfitters, tmp_path: Path) -> None:
    url, shop = outfitters
    code, out, err = piped(run_args(url, tmp_path / "cp.sqlite", "ok"), "a\n", tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    review = lines.index("plan for review (version 0, written by planner before any action):")
    assert lines[review + 1] == "  1. Open the catalog" and lines[review + 2].startswith("     why: ")
    approved = lines.index("plan approved")
    first_action = next(i for i, line in enumerate(lines) if line.startswith("→ "))
    assert review < approved < first_action  # nothing was done before the person answered
    assert "answer: $129.00" in lines and shop.cart == ["summit-boots"]


def test_inline_edit_replaces_the_plan_and_a_bad_one_is_asked_again(outfitters, tmp_path: Path) -> None:
    url, _shop = outfitters
    db = tmp_path / "cp.sqlite"
    answers = "i\nthis is not a plan\n.\n" + "i\n" + "\n".join(EDITED) + "\n.\n"
    code, out, err = piped(run_args(url, db, "edited", "--mode", "plan"), answers, tmp_path)
    assert code == 0, err
    assert "that answer could not be used: the edited plan has no steps: found no steps" in out
    assert out.count("plan for review (version 0") == 2  # asked again, same plan
    assert "plan edited (1 steps):\n  1. Go straight to the boots\n  note: edited at the terminal" in out
    state = final_state(db, "edited")
    assert [v.get("by") for v in state["plans"]] == ["planner", "person"]
    assert state["plan"]["notes"] == ["edited at the terminal"]
    assert {s["plan_step"] for s in state["history"]} == {"Go straight to the boots"}  # the executor's plan


def test_reject_ends_the_run_with_the_reason(outfitters, tmp_path: Path) -> None:
    url, shop = outfitters
    code, out, err = piped(run_args(url, tmp_path / "cp.sqlite", "no"), "r\nthat is the wrong shop\n", tmp_path)
    assert code == 1, err
    assert "plan rejected" in out and "status: stopped (a person rejected the plan: that is the wrong shop)" in out
    assert "→ " not in out and shop.cart == []


def test_no_answer_leaves_the_run_paused_and_resume_asks_again(outfitters, tmp_path: Path) -> None:
    url, shop = outfitters
    db = tmp_path / "cp.sqlite"
    code, out, err = piped(run_args(url, db, "later"), "", tmp_path)
    assert code == 3, err
    assert out.splitlines()[-1] == ("no answer (end of input): the run is paused at the plan review; continue "
                                    "with: plan-and-act resume later")
    assert final_state(db, "later")["status"] == "running" and "Traceback" not in err
    code, out, err = piped(["--checkpoint-db", str(db), "resume", "later"], "x\na\n", tmp_path)
    assert code == 0, err
    assert "answer a (approve), e (edit), i (edit here) or r (reject)" in out  # an unknown key is asked again
    assert "plan for review (version 0" in out and "answer: $129.00" in out and shop.cart == ["summit-boots"]


def _pty_session(args: list[str], env: dict[str, str], cwd: Path, keys: dict[str, str]) -> tuple[int, str]:
    """Run the command on a pseudo-terminal, typing `keys[prompt]` whenever output ends with `prompt`."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the terminal as its stdin/stdout
        os.chdir(cwd)
        os.execve(COMMAND, [COMMAND, *args], env)
    output = b""
    pending = dict(keys)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal: it has exited
            break
        if not chunk:
            break
        output += chunk
        text = output.decode(errors="replace")
        for prompt in list(pending):
            if text.rstrip().endswith(prompt.rstrip()):
                os.write(fd, pending.pop(prompt).encode())
    _pid, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace").replace("\r\n", "\n")


def test_edit_in_the_editor_on_a_terminal(outfitters, tmp_path: Path) -> None:
    url, _shop = outfitters
    editor = tmp_path / "editor.py"  # an "editor" that rewrites the file it is given, as a person would
    editor.write_text(f"import sys, pathlib\npathlib.Path(sys.argv[1]).write_text({chr(10).join(EDITED)!r})\n")
    db = tmp_path / "cp.sqlite"
    env = _env(EDITOR=f"{sys.executable} {editor}", TERM="dumb")
    code, out = _pty_session(run_args(url, db, "tty", "--mode", "plan"), env, tmp_path,
                             {"edit here [i], reject [r]? ": "e\r"})
    assert code == 0, out
    assert "plan edited (1 steps):" in out and "1. Go straight to the boots" in out
    assert final_state(db, "tty")["plans"][-1]["by"] == "person"
