"""`plan-and-act`: run a task in a real browser, resume a killed run, list runs, or run the offline demo.

Every run is checkpointed to SQLite (default `.plan_and_act/checkpoints.sqlite`), so `resume THREAD_ID` picks up
after a crash, a SIGKILL or Ctrl-C. Mistakes a user can fix (a bad URL, a missing API key, an unknown thread)
print one clear line, not a traceback. Every run setting is a flag (generated from `graph.context.Context`) and
a `PLAN_AND_ACT_<NAME>` environment variable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from langgraph.types import Command

from cli.approval import NoAnswer, PlanReviewer
from cli.demo import add_demo_command
from cli.errors import CliError
from cli.logs import add_verbose_flag, configure_logging
from cli.plugins import add_plugin_commands
from cli.render import EpisodePrinter
from cli.run_store import UnknownThread, list_runs, load_run, save_run
from cli.signals import sigterm_interrupts
from graph.checkpoint import CheckpointStoreError, Durable, open_durable, shown_location
from graph.context import Context, ContextError
from graph.context_flags import add_context_flags, context_from_flags
from graph.models import ModelConfigError, model_for_role
from graph.recorder import ModelCallRecorder
from graph.runs import resume_input, stream_run, task_input
from harness.trajectory import trajectory
from harness.viewer import PriceError, Prices, ViewedEpisode, add_price_flag, write_viewer
from nodes.browser_access import AND, StartPageError, check_url


def check_models(context: Context) -> None:
    """Build every model the mode needs before the browser starts, so a missing key fails fast and clearly."""
    import policies.providers  # noqa: F401  (registers scripted:/reference:/oracle: model strings)

    for role in context.roles():
        try:
            model_for_role(context, role)
        except ModelConfigError as exc:
            raise CliError(str(exc)) from exc


def context_from(args: argparse.Namespace) -> Context:
    try:
        return context_from_flags(args)
    except (ContextError, TypeError, ValueError) as exc:
        raise CliError(str(exc)) from exc


async def drive(context: Context, graph_input: dict[str, Any] | None, thread_id: str, durable: Durable,
                printer: EpisodePrinter, task_id: str = "", recorder: ModelCallRecorder | None = None
                ) -> tuple[dict[str, Any], bool]:
    """Stream a run (new input) or a resume (input None) to the printer, asking the person at each plan review;
    returns the last state and whether the run is still paused at a review (input ended before an answer)."""
    reviewer = PlanReviewer(printer)
    callbacks = [recorder] if recorder is not None else []
    run = await stream_run(graph_input, context, thread_id=thread_id, task_id=task_id,  # type: ignore[arg-type]
                           checkpointer=durable.checkpointer, store=durable.store, on_update=printer.update,
                           callbacks=callbacks)
    try:
        while run.interrupt is not None:
            try:
                answer = await reviewer.answer(run.interrupt)
            except NoAnswer:
                return dict(run.state), True
            run = await stream_run(Command(resume=answer), context, thread_id=thread_id, task_id=task_id,
                                   checkpointer=durable.checkpointer, store=durable.store,
                                   on_update=printer.update, callbacks=callbacks)
    finally:
        if run.interrupt is not None:
            await run.close_browser()
    return dict(run.state), False


def finished(printer: EpisodePrinter, thread_id: str, state: dict[str, Any], paused: bool) -> int:
    """Exit status: 0 done, 1 ended otherwise, 3 paused at a plan review."""
    if paused:
        printer.line(f"no answer (end of input): the run is paused at the plan review; continue with: "
                     f"plan-and-act resume {thread_id}", "yellow")
        return 3
    printer.outcome(state)
    return 0 if state.get("status") == "done" else 1


@asynccontextmanager
async def durable_for(args: argparse.Namespace) -> AsyncIterator[Durable]:
    """The run's checkpoint database, or one clear line on why it cannot be used."""
    try:
        async with open_durable(args.checkpoint_db) as durable:
            yield durable
    except CheckpointStoreError as exc:
        raise CliError(str(exc)) from exc


async def cmd_run(args: argparse.Namespace) -> int:
    context = context_from(args)
    try:
        for url in args.start_url.split(AND):
            check_url(url.strip())
    except StartPageError as exc:
        raise CliError(str(exc)) from exc
    check_models(context)
    thread_id = args.thread_id = args.thread_id or uuid.uuid4().hex[:12]
    task = dict(task_input(args.intent, args.start_url, args.task_id or "", args.allowed_domain))
    report = Path(args.report) if args.report else None
    if report is not None and not context.screenshots_dir:  # the report shows the pages the agent acted on
        context = context.replace(screenshots_dir=str(report.parent / f"{report.stem}-pictures"))
    printer = EpisodePrinter(plans_under_review=context.approve_plan != "off")
    recorder = ModelCallRecorder()
    async with durable_for(args) as durable:
        if await durable.checkpointer.aget_tuple({"configurable": {"thread_id": thread_id}}) is not None:
            raise CliError(f"thread {thread_id!r} already has a run; use `plan-and-act resume {thread_id}` "
                           "or another --thread-id")
        await save_run(durable.store, thread_id, context, task)
        printer.header(thread_id, args.intent, args.start_url, context.mode)
        state, paused = await drive(context, task, thread_id, durable, printer, args.task_id or "", recorder)
    if report is not None:
        write_run_report(report, thread_id, state, recorder, context, args.prices)
        printer.line(f"report: {report}")
    return finished(printer, thread_id, state, paused)


def write_run_report(path: Path, thread_id: str, state: dict[str, Any], recorder: ModelCallRecorder,
                     context: Context, prices: Prices) -> None:
    """The trajectory viewer for this one run (no evaluation: it is shown as a run, not a pass or fail)."""
    sites = sorted({urlsplit(url.strip()).hostname or url for url in str(state.get("start_url", "")).split(AND)})
    episode = ViewedEpisode(key=f"thread {thread_id}", intent=state.get("intent", ""), sites=sites, passed=None,
                            status=state.get("status", "?"), stop_reason=state.get("stop_reason", ""),
                            answer=state.get("answer") or "", final_url=(state.get("observation") or {}).get("url", ""),
                            trajectory=trajectory(state, recorder.for_thread(thread_id), context))  # type: ignore[arg-type]
    write_viewer([episode], path, f"plan-and-act run {thread_id}", prices)


async def cmd_resume(args: argparse.Namespace) -> int:
    async with durable_for(args) as durable:
        try:
            context, task = await load_run(durable.store, args.thread_id, shown_location(durable.location))
        except UnknownThread as exc:
            raise CliError(str(exc)) from exc
        check_models(context)
        printer = EpisodePrinter(plans_under_review=context.approve_plan != "off")
        printer.header(args.thread_id, task.get("intent", ""), task.get("start_url", ""), context.mode)
        printer.line("resuming from the last checkpoint", "yellow")
        graph_input = await resume_input(durable.checkpointer, args.thread_id, task)  # type: ignore[arg-type]
        state, paused = await drive(context, graph_input, args.thread_id, durable, printer,  # type: ignore[arg-type]
                                    task.get("task_id", ""))
    return finished(printer, args.thread_id, state, paused)


async def cmd_threads(args: argparse.Namespace) -> int:
    printer = EpisodePrinter()
    async with durable_for(args) as durable:
        runs = await list_runs(durable.store)
        for record in runs:
            state = await durable.checkpointer.aget_tuple({"configurable": {"thread_id": record["thread_id"]}})
            values = state.checkpoint["channel_values"] if state is not None else {}
            status = values.get("status", "not started")
            printer.line(f"{record['thread_id']}  {record['context']['mode']:<12} {status:<8} "
                         f"{record['task'].get('intent', '')}")
    if not runs:
        printer.line("no runs recorded yet")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plan-and-act", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--checkpoint-db", default=os.environ.get("PLAN_AND_ACT_CHECKPOINT_DB") or None,
                        help="SQLite file or postgres:// URL holding checkpoints, run settings and the action "
                             "journal (default .plan_and_act/checkpoints.sqlite) [PLAN_AND_ACT_CHECKPOINT_DB]")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    add_verbose_flag(parser)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run a task in the browser")
    run.add_argument("intent")
    run.add_argument("--start-url", required=True)
    run.add_argument("--thread-id", default=None)
    run.add_argument("--task-id", default=None)
    run.add_argument("--allowed-domain", action="append", default=None,
                     help="a domain the agent may visit (repeatable; default: the start URL's host)")
    run.add_argument("--report", default="", metavar="HTML",
                     help="write the trajectory viewer for this run here (pictures beside it unless "
                          "--screenshots-dir says where)")
    add_price_flag(run)
    add_verbose_flag(run, subcommand=True)
    add_context_flags(run)
    run.set_defaults(handler=cmd_run)

    resume = commands.add_parser("resume", help="continue a run from its last checkpoint")
    resume.add_argument("thread_id")
    add_verbose_flag(resume, subcommand=True)
    resume.set_defaults(handler=cmd_resume)

    threads = commands.add_parser("threads", help="list recorded runs")
    threads.set_defaults(handler=cmd_threads)

    add_demo_command(commands)
    add_plugin_commands(commands, "plan_and_act.commands")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    handler: Callable[[argparse.Namespace], Awaitable[int]] = args.handler
    try:
        if hasattr(args, "price"):
            args.prices = Prices.parse(args.price)
        with sigterm_interrupts():
            return asyncio.run(handler(args))
    except PriceError as exc:
        EpisodePrinter().error(str(exc))
        return 2
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
