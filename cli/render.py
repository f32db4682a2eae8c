"""What the CLI prints while an episode runs: the plan, each action and its result, replans, and the outcome.

Lines are printed (and flushed) as the graph streams node updates, so a person — or a test reading the pipe —
sees each step the moment it happens.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from tools import secrets
from tools.vocabulary import format_action


class EpisodePrinter:
    def __init__(self, console: Console | None = None, plans_under_review: bool = False) -> None:
        self.console = console or Console(file=sys.stdout, highlight=False, soft_wrap=True)
        self._notes_shown: set[str] = set()  # the replanner repeats its notes; each is printed once
        self.plans_under_review = plans_under_review  # the plan review shows the planner's plan in full

    def line(self, text: str, style: str = "") -> None:
        self.console.print(secrets.redact(text) if not style else f"[{style}]{escape(secrets.redact(text))}[/]",
                           markup=bool(style))
        self.console.file.flush()

    def header(self, thread_id: str, intent: str, start_url: str, mode: str) -> None:
        self.line(f"thread {thread_id}  mode {mode}", "bold")
        self.line(f"task: {intent}")
        self.line(f"start: {start_url}")

    def update(self, node: str, values: dict[str, Any] | None) -> None:
        """One streamed node update."""
        values = values or {}
        if node == "planner" and values.get("plan"):
            if not self.plans_under_review:
                self._plan("plan", values["plan"])
        elif node == "replan" and values.get("plan"):
            self._plan("replanned", values["plan"], compact=True)
        elif node == "approve":
            if values.get("plans"):
                self._plan("plan edited", values["plan"])
            elif values.get("status") == "stopped":
                self.line("plan rejected", "yellow")
            else:
                self.line("plan approved", "green")
        elif node == "executor" and values.get("pending_action"):
            call = values["pending_action"]
            self.line(f"→ {format_action(call['name'], call['args'])}", "cyan")
        elif node == "observe":
            for step in values.get("history", []):
                mark = "ok" if step["ok"] else "FAILED"
                self.line(f"step {step['index'] + 1} {mark}: {step['result']}", "green" if step["ok"] else "red")
            if values.get("resumes"):
                self.line("browser re-created at the last page (resume)", "yellow")

    def _plan(self, title: str, plan: dict[str, Any], compact: bool = False) -> None:
        steps = plan.get("steps", [])
        if compact:
            nxt = steps[0]["instruction"] if steps else "(none)"
            self.line(f"{title}: {len(steps)} step(s) left; next: {nxt}", "magenta")
        else:
            self.line(f"{title} ({len(steps)} steps):", "magenta bold")
            for number, step in enumerate(steps, start=1):
                self.line(f"  {number}. {step['instruction']}")
        for note in plan.get("notes", []):
            if note not in self._notes_shown:
                self._notes_shown.add(note)
                self.line(f"  note: {note}", "magenta")

    def outcome(self, state: dict[str, Any]) -> None:
        status = state.get("status", "?")
        style = "bold green" if status == "done" else "bold red"
        self.line(f"status: {status} ({state.get('stop_reason', '')})", style)
        if state.get("answer") is not None and status == "done":
            self.line(f"answer: {state['answer']}", "bold")
        usage = state.get("usage") or {}
        if usage:
            parts = [f"{role} {u['calls']} calls {u['input_tokens']}+{u['output_tokens']} tokens"
                     for role, u in sorted(usage.items())]
            self.line("usage: " + "; ".join(parts))

    def error(self, message: str) -> None:
        Console(file=sys.stderr, highlight=False, soft_wrap=True).print(
            f"[bold red]error:[/] {escape(secrets.redact(message))}")
