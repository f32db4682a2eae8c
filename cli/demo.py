"""`plan-and-act demo`: a real multi-step shopping task, offline, end to end.

It starts the embedded environment (all five sites on 127.0.0.1, fresh databases), runs the task through the
real graph in plan_and_act mode — by default with the *reference policy* (the task's reference solution acting
through the graph, as a stand-in for a model) — streams the plan and every action, prints WebArena's evaluator
verdict, and stops everything it started. `--model openai:gpt-4o-mini` (or any init_chat_model string, with
`--base-url` for a local server) puts a real model in the reference policy's place.
"""

from __future__ import annotations

import argparse

from cli.errors import CliError
from cli.render import EpisodePrinter
from graph.context import Context, ContextError
from graph.context_flags import add_context_flags, context_from_flags
from graph.models import ModelConfigError, model_for_role
from harness.episode import PolicyChoice, run_embedded_task, unattended
from webenv.judges import OfflineJudge
from webenv.tasks.suite import EmbeddedTask, load_suite, task_by_id

# "Buy the highest rated product from a category within a budget": search, filter, compare, cart, checkout.
DEMO_TEMPLATE_ID = 1037
_ROLE_MODELS = ("planner_model", "executor_model", "replanner_model")


def demo_task(task_id: str | None) -> EmbeddedTask:
    if task_id is not None:
        return task_by_id(task_id)
    return next(t for t in load_suite() if t.config.intent_template_id == DEMO_TEMPLATE_ID)


def policy_from(args: argparse.Namespace, settings: Context) -> PolicyChoice:
    if not args.model:
        return PolicyChoice(kind="oracle")
    policy = PolicyChoice.models(args.model, base_url=settings.base_url)
    probe = settings.replace(**policy.model_settings())
    for role in ("planner", "executor"):
        model_for_role(probe, role)  # a missing key fails here, before any server or browser starts
    return policy


async def run_demo(args: argparse.Namespace) -> int:
    import policies.providers  # noqa: F401  (registers the oracle: model strings)

    try:
        settings = unattended(context_from_flags(args))
        policy = policy_from(args, settings)
    except (ModelConfigError, ContextError) as exc:
        raise CliError(str(exc)) from exc
    printer = EpisodePrinter()
    try:
        task = demo_task(args.task_id)
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from exc
    who = ("the reference policy (the task's reference solution, acting through the real graph; "
           "pass --model to use a real model)") if policy.kind == "oracle" else policy.label
    printer.line(f"demo task {task.task_id} [{', '.join(task.sites)}]: {task.config.intent}", "bold")
    printer.line(f"policy: {who}; mode: {settings.mode}")
    printer.line("starting the embedded sites on 127.0.0.1 (fresh databases) ...")
    result = await run_embedded_task(task, policy, settings, judge=OfflineJudge(), on_update=printer.update)
    printer.outcome({"status": result.status, "stop_reason": result.stop_reason, "answer": result.answer,
                     "usage": result.usage})
    verdict = "PASS" if result.passed else "FAIL"
    printer.line(f"evaluator: {verdict} (score {result.score:g}) in {result.steps} steps, {result.seconds:.1f} s",
                 "bold green" if result.passed else "bold red")
    for check in result.checks:
        printer.line(f"  {check}")
    printer.line("stopped the sites and the browser")
    return 0 if result.passed else 1


def add_demo_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = commands.add_parser("demo", help="the offline demo: the embedded shop, the reference policy")
    demo.add_argument("--model", default="", help="a real model for every role instead of the reference policy, "
                      "e.g. openai:gpt-4o-mini (init_chat_model string; --base-url for a local server)")
    demo.add_argument("--task-id", default=None, help="which embedded task to run (default: a purchase task)")
    add_context_flags(demo, exclude=_ROLE_MODELS)
    demo.set_defaults(handler=run_demo)
