"""`plan-and-act`: run a task in a real browser, resume a killed run, list runs, or run the offline demo.

Every run is checkpointed to SQLite (default `.plan_and_act/checkpoints.sqlite`), so `resume THREAD_ID` picks up
after a crash, a SIGKILL or Ctrl-C. Mistakes a user can fix (a bad URL, a missing API key, an unknown thread)
print one clear line, not a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from graph.builder import build_graph
from graph.checkpoint import open_checkpointer
from graph.context import MODES, Context, ContextError
from graph.models import ModelConfigError, model_for_role
from graph.runs import run_config, task_input
from graph.state import Role
from cli.render import EpisodePrinter
from cli.run_store import UnknownThread, list_runs, load_run, save_run
from nodes.browser_access import AND, StartPageError, check_url
from tools.session import sessions

DEFAULT_MODEL = "openai:gpt-4o-mini"


class CliError(RuntimeError):
    """A problem the user can fix; printed as one line, exit status 2."""


def _roles(mode: str) -> list[Role]:
    return {"react": ["executor"], "plan": ["planner", "executor"]}.get(mode, ["planner", "executor", "replanner"])


def check_models(context: Context) -> None:
    """Build every model the mode needs before the browser starts, so a missing key fails fast and clearly."""
    import policies.providers  # noqa: F401  (registers scripted:/reference:/oracle: model strings)

    for role in _roles(context.mode):
        try:
            model_for_role(context, role)
        except ModelConfigError as exc:
            raise CliError(str(exc)) from exc


def context_from(args: argparse.Namespace) -> Context:
    try:
        return Context(
            mode=args.mode, planner_model=args.planner_model, executor_model=args.executor_model,
            replanner_model=args.replanner_model or "", base_url=args.base_url or "", max_steps=args.max_steps,
            viewport_only=args.viewport_only, headless=not args.headful, cot=args.cot,
            observation_tokens=args.observation_tokens, storage_state=args.storage_state or "",
            screenshots_dir=args.screenshots or "")
    except (ContextError, TypeError, ValueError) as exc:
        raise CliError(str(exc)) from exc


async def drive(context: Context, graph_input: dict[str, Any] | None, thread_id: str, checkpoint_db: str | None,
                printer: EpisodePrinter, task_id: str = "") -> dict[str, Any]:
    """Stream a run (new input) or a resume (input None) to the printer; returns the final state."""
    async with open_checkpointer(checkpoint_db) as saver:
        graph = build_graph(checkpointer=saver)
        config = run_config(thread_id, context, task_id)
        try:
            async for update in graph.astream(graph_input, config, context=context, stream_mode="updates",
                                              durability="sync"):
                for node, values in update.items():
                    if not node.startswith("__"):
                        printer.update(node, values)
        finally:
            await sessions.close_all()
        return dict((await graph.aget_state(config)).values)


async def _thread_exists(thread_id: str, checkpoint_db: str | None) -> bool:
    async with open_checkpointer(checkpoint_db) as saver:
        return await saver.aget_tuple({"configurable": {"thread_id": thread_id}}) is not None


async def cmd_run(args: argparse.Namespace) -> int:
    context = context_from(args)
    try:
        for url in args.start_url.split(AND):
            check_url(url.strip())
    except StartPageError as exc:
        raise CliError(str(exc)) from exc
    check_models(context)
    thread_id = args.thread_id = args.thread_id or uuid.uuid4().hex[:12]
    if await _thread_exists(thread_id, args.checkpoint_db):
        raise CliError(f"thread {thread_id!r} already has a run; use `plan-and-act resume {thread_id}` "
                       "or another --thread-id")
    task = dict(task_input(args.intent, args.start_url, args.task_id or "", args.allowed_domain))
    save_run(args.checkpoint_db, thread_id, context, task)
    printer = EpisodePrinter()
    printer.header(thread_id, args.intent, args.start_url, context.mode)
    state = await drive(context, task, thread_id, args.checkpoint_db, printer, args.task_id or "")
    printer.outcome(state)
    return 0 if state.get("status") == "done" else 1


async def cmd_resume(args: argparse.Namespace) -> int:
    try:
        context, task = load_run(args.checkpoint_db, args.thread_id)
    except UnknownThread as exc:
        raise CliError(str(exc)) from exc
    check_models(context)
    printer = EpisodePrinter()
    printer.header(args.thread_id, task.get("intent", ""), task.get("start_url", ""), context.mode)
    printer.line("resuming from the last checkpoint", "yellow")
    state = await drive(context, None, args.thread_id, args.checkpoint_db, printer, task.get("task_id", ""))
    printer.outcome(state)
    return 0 if state.get("status") == "done" else 1


async def cmd_threads(args: argparse.Namespace) -> int:
    printer = EpisodePrinter()
    runs = list_runs(args.checkpoint_db)
    if not runs:
        printer.line("no runs recorded yet")
    for record in runs:
        printer.line(f"{record['thread_id']}  {record['context']['mode']:<12} {record['task'].get('intent', '')}")
    return 0


async def cmd_demo(args: argparse.Namespace) -> int:
    from cli.demo import run_demo

    return await run_demo(args)


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=MODES, default="plan_and_act")
    parser.add_argument("--planner-model", default=os.environ.get("PLAN_AND_ACT_PLANNER_MODEL", DEFAULT_MODEL))
    parser.add_argument("--executor-model", default=os.environ.get("PLAN_AND_ACT_EXECUTOR_MODEL", DEFAULT_MODEL))
    parser.add_argument("--replanner-model", default="", help="default: the planner model")
    parser.add_argument("--base-url", default=os.environ.get("PLAN_AND_ACT_BASE_URL", ""),
                        help="OpenAI-compatible server (vLLM, Ollama, llama.cpp) for every role")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plan-and-act", description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint-db", default=None,
                        help="SQLite file or postgres:// URL (default .plan_and_act/checkpoints.sqlite)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run a task in the browser")
    run.add_argument("intent")
    run.add_argument("--start-url", required=True)
    _add_model_options(run)
    run.add_argument("--thread-id", default=None)
    run.add_argument("--task-id", default=None)
    run.add_argument("--max-steps", type=int, default=30)
    run.add_argument("--allowed-domain", action="append", default=None,
                     help="a domain the agent may visit (repeatable; default: the start URL's host)")
    run.add_argument("--viewport-only", action="store_true")
    run.add_argument("--observation-tokens", type=int, default=6000)
    run.add_argument("--cot", action="store_true", help="planner and executor reason before answering")
    run.add_argument("--storage-state", default=None, help="Playwright storage state JSON (cookies)")
    run.add_argument("--screenshots", default=None, help="directory for a screenshot after every action")
    run.add_argument("--headful", action="store_true", help="show the browser window")
    run.set_defaults(handler=cmd_run)

    resume = commands.add_parser("resume", help="continue a run from its last checkpoint")
    resume.add_argument("thread_id")
    resume.set_defaults(handler=cmd_resume)

    threads = commands.add_parser("threads", help="list recorded runs")
    threads.set_defaults(handler=cmd_threads)

    demo = commands.add_parser("demo", help="the offline demo: the embedded shop, the reference policy")
    demo.add_argument("--model", default="", help="a real model instead of the reference policy, e.g. "
                      "openai:gpt-4o-mini (init_chat_model string)")
    demo.add_argument("--base-url", default=os.environ.get("PLAN_AND_ACT_BASE_URL", ""),
                      help="OpenAI-compatible server for --model (vLLM, Ollama, llama.cpp)")
    demo.add_argument("--mode", choices=MODES, default="plan_and_act")
    demo.add_argument("--task-id", default=None, help="which embedded task to run (default: a purchase task)")
    demo.add_argument("--headful", action="store_true", help="show the browser window")
    demo.set_defaults(handler=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], Awaitable[int]] = args.handler
    try:
        return asyncio.run(handler(args))
    except CliError as exc:
        EpisodePrinter().error(str(exc))
        return 2
    except KeyboardInterrupt:
        thread = getattr(args, "thread_id", None)
        EpisodePrinter().error("interrupted" + (f"; continue with: plan-and-act resume {thread}" if thread else ""))
        return 130
    except Exception as exc:
        if args.debug:
            raise
        EpisodePrinter().error(f"{type(exc).__name__}: {exc} (run with --debug for the traceback)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
