"""Running the real graph in tests with scripted models, and seeing which route it took."""

from __future__ import annotations

import itertools
from typing import Any

from langchain_core.language_models import BaseChatModel

from graph.context import Context
from graph.runs import stream_run, task_input
from policies.providers import register_scripted

_names = itertools.count()


def scripted_context(mode: str, *, planner: BaseChatModel | None = None, executor: BaseChatModel | None = None,
                     replanner: BaseChatModel | None = None, **settings: Any) -> Context:
    """A Context whose roles are these model instances (registered under fresh `scripted:` names)."""
    def name(model: BaseChatModel | None) -> str:
        return register_scripted(f"m{next(_names)}", model) if model is not None else "scripted:unset"

    return Context(mode=mode, planner_model=name(planner), executor_model=name(executor),
                   replanner_model=name(replanner), **settings)


async def run_graph(context: Context, intent: str, start_url: str, **task: Any) -> tuple[dict[str, Any], list[str]]:
    """Final state and the node sequence (the route) of one episode, through the one run loop."""
    route: list[str] = []
    run = await stream_run(task_input(intent, start_url, **task), context, thread_id=f"t{next(_names)}",
                           on_update=lambda node, _values: route.append(node))
    return dict(run.state), route
