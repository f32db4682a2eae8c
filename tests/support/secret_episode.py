"""One episode that types a secret into a page that echoes it everywhere it can — the URL it redirects to, the
page title, the text, a field's value, an alert — with every writer of the project switched on: checkpoints and
the action journal (SQLite), the model-call recorder, LangSmith tracing (to whatever endpoint the environment
names), screenshots, the CLI's printer, the results JSONL and the HTML report. The test greps all of it.

Usage: python -m tests.support.secret_episode OUT_DIR   (the secret comes from PLAN_AND_ACT_SECRET_PASSWORD)
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from langchain_core.tracers.langchain import wait_for_all_tracers

from bench.report import write_report
from bench.results import write_jsonl
from cli.render import EpisodePrinter
from graph.checkpoint import open_durable
from graph.context import Context
from graph.recorder import ModelCallRecorder
from harness.episode import EpisodeSetup, run_task
from policies.providers import register_oracle
from tests.support.hostile import SIGNIN_PATH, start_hostile
from webenv.tasks.config import parse_task
from webenv.tasks.solution import parse_solution

SOLUTION = {
    "steps": [{"reasoning": "The sign-in form is on the page.", "instruction": "Sign in as alice",
               "actions": [0, 1, 2]},
              {"reasoning": "The welcome page has a button.", "instruction": "Show the greeting again and report it",
               "actions": [3, 4]}],
    "actions": [
        {"action": "type", "target": {"role": "textbox", "name": "Username"}, "text": "alice"},
        {"action": "type", "target": {"role": "textbox", "name": "Password"}, "text": "{{secret:PASSWORD}}"},
        {"action": "click", "target": {"role": "button", "name": "Sign in"}},
        {"action": "click", "target": {"role": "button", "name": "Show it again"}},
        {"action": "stop", "answer": "Signed in"}],
}
TASK = {"sites": ["shopping"], "task_id": 9001, "require_login": False, "start_url": "__SHOPPING__" + SIGNIN_PATH,
        "intent": "Sign in as alice with the password {{secret:PASSWORD}} and say whether it worked",
        "eval": {"eval_types": ["string_match"], "reference_answers": {"must_include": ["Signed in"]}}}


async def main(out: Path) -> int:
    hostile = start_hostile()
    try:
        model = register_oracle("secret-episode", parse_solution(SOLUTION, "secret-episode"),
                                {"__SHOPPING__": hostile.site})
        setup = EpisodeSetup(config=parse_task(TASK), placeholders={"__SHOPPING__": hostile.site},
                             storage_state="", model_settings={"planner_model": model, "executor_model": model},
                             policy_label="oracle")
        recorder = ModelCallRecorder(out / "calls.jsonl")
        printer = EpisodePrinter()
        async with open_durable(out / "checkpoints.sqlite") as durable:
            result = await run_task(setup, Context(screenshots_dir=str(out / "screenshots")), on_update=printer.update,
                                    callbacks=[recorder], checkpointer=durable.checkpointer, store=durable.store)
        printer.outcome({"status": result.status, "stop_reason": result.stop_reason, "answer": result.answer})
        write_jsonl([result], out / "results.jsonl")
        write_report([result], out / "report.html", "secret episode")
        print(f"final url {result.final_url}")
        print(f"site received {len(hostile.seen.site_posts)} sign-ins")
    finally:
        hostile.stop()
    wait_for_all_tracers()
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1]))))
