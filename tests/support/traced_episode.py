"""Run one episode in a fresh process (tracing is configured from the environment at import time), then
flush the tracers. Usage: python -m tests.support.traced_episode"""

from __future__ import annotations

import asyncio
import sys

from langchain_core.tracers.langchain import wait_for_all_tracers

from graph.context import Context
from graph.runs import run_episode
from tests.support.outfitters import create_app
from tests.support.paths import REPO
from tools.session import sessions
from webenv.serving import serve_apps

SOLUTION = REPO / "tests/support/outfitters_solution.json"


async def main() -> int:
    group = serve_apps({"shop": create_app()})
    context = Context(mode="plan_and_act", planner_model=f"reference:{SOLUTION}",
                      executor_model=f"reference:{SOLUTION}")
    try:
        state = await run_episode("Add Summit Hiking Boots to the cart and tell me the price", group.urls["shop"],
                                  context, task_id="traced-task-7")
    finally:
        await sessions.close_all()
        group.stop()
    wait_for_all_tracers()
    print(state["status"], state["answer"])
    return 0 if state["status"] == "done" else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
