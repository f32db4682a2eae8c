"""The terminal side of plan approval (`--approve-plan first|every`): show the plan under review and ask the person
to approve, edit or reject it.

Answers are read a line at a time from standard input, so a terminal, a pseudo-terminal and a pipe all work:

    a            approve
    e            edit in $VISUAL / $EDITOR (inline when neither is set)
    i            edit here: type the plan, end with a line holding only "."
    r            reject; the next line is the reason (may be empty)

What is sent back is the answer `nodes.approve` reads; the plan text a person writes goes through the same plan
parser as a model's, and if it is unusable the graph asks again with the problem, which is shown here.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shlex
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cli.render import EpisodePrinter

T = TypeVar("T")
END_OF_PLAN = "."
PROMPT = "approve [a], edit [e], edit here [i], reject [r]? "


class NoAnswer(Exception):
    """Standard input ended before the person answered: the run stays paused at the review."""


def _read_line() -> str | None:
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\n")


async def in_daemon_thread(work: Callable[[], T]) -> T:
    """`work()` (a blocking read, an editor) off the event loop, in a daemon thread rather than the loop's
    executor: after Ctrl-C, `asyncio.run` waits for executor threads, and a read nobody will finish would keep
    the process alive."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], object]) -> None:
        if not future.done():
            outcome()

    def run() -> None:
        outcome: Callable[[], object]
        try:
            outcome = functools.partial(future.set_result, work())
        except BaseException as exc:  # handed to the waiting coroutine, whatever it is
            outcome = functools.partial(future.set_exception, exc)
        try:
            loop.call_soon_threadsafe(settle, outcome)
        except RuntimeError:  # the loop is gone: nobody is waiting any more
            pass

    threading.Thread(target=run, name="plan-review-input", daemon=True).start()
    return await future


class PlanReviewer:
    def __init__(self, printer: EpisodePrinter, read_line: Callable[[], str | None] = _read_line) -> None:
        self.printer = printer
        self._read_line = read_line

    async def _ask(self, prompt: str) -> str | None:
        self.printer.console.print(prompt, end="", markup=False, highlight=False)
        self.printer.console.file.flush()
        answer = await in_daemon_thread(self._read_line)
        if not sys.stdin.isatty():  # a terminal echoes what was typed; a pipe does not, so the transcript would
            self.printer.console.print("" if answer is None else answer, markup=False, highlight=False)
        return answer

    def show(self, review: dict[str, Any]) -> None:
        after = review.get("after_action", 0)
        when = "before any action" if not after else f"after {after} action{'s' if after != 1 else ''}"
        self.printer.line(f"plan for review (version {review.get('version', 0)}, written by "
                          f"{review.get('written_by', '?')} {when}):", "bold magenta")
        for number, step in enumerate(review.get("plan", {}).get("steps", []), start=1):
            self.printer.line(f"  {number}. {step['instruction']}")
            if step.get("reasoning"):
                self.printer.line(f"     why: {step['reasoning']}", "dim")
        for note in review.get("plan", {}).get("notes", []):
            self.printer.line(f"  note: {note}", "magenta")
        if review.get("problem"):
            self.printer.line(f"that answer could not be used: {review['problem']}", "red")

    async def answer(self, review: dict[str, Any]) -> Any:
        """The person's answer to one review (raises NoAnswer at the end of input)."""
        self.show(review)
        while True:
            choice = await self._ask(PROMPT)
            if choice is None:
                raise NoAnswer
            choice = choice.strip().lower()
            if choice in ("a", "approve"):
                return "approve"
            if choice in ("r", "reject"):
                reason = await self._ask("why (optional, one line)? ")
                return {"decision": "reject", "reason": (reason or "").strip()}
            if choice in ("e", "edit", "i"):
                editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
                text = (await self._in_editor(editor, review["plan_text"]) if choice != "i" and editor
                        else await self._inline())
                if text is None:
                    continue
                if text.strip() == review["plan_text"].strip():
                    self.printer.line("the plan was not changed: approved as it is", "yellow")
                    return "approve"
                return {"decision": "edit", "plan": text}
            self.printer.line("answer a (approve), e (edit), i (edit here) or r (reject)", "yellow")

    async def _inline(self) -> str | None:
        self.printer.line(f"write the plan ('## Step N' with 'Reasoning:' and 'Step:' lines, or a numbered list); "
                          f"end with a line holding only '{END_OF_PLAN}':")
        lines: list[str] = []
        while True:
            line = await in_daemon_thread(self._read_line)
            if line is None and not lines:
                raise NoAnswer
            if line is None or line.strip() == END_OF_PLAN:
                break
            lines.append(line)
        if not "".join(lines).strip():
            self.printer.line("no plan was written; nothing changed", "yellow")
            return None
        return "\n".join(lines)

    async def _in_editor(self, editor: str, plan_text: str) -> str | None:
        with tempfile.TemporaryDirectory(prefix="plan-and-act-") as folder:
            path = Path(folder) / "plan.md"
            path.write_text(plan_text + "\n")
            try:
                done = await in_daemon_thread(lambda: subprocess.run([*shlex.split(editor), str(path)]))
            except OSError as exc:
                self.printer.line(f"could not start the editor {editor!r}: {exc}", "red")
                return None
            if done.returncode != 0:
                self.printer.line(f"the editor exited with status {done.returncode}; nothing changed", "yellow")
                return None
            text = path.read_text()
        if not text.strip():
            self.printer.line("the edited plan was empty; nothing changed", "yellow")
            return None
        return text
