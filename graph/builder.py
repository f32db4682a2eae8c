"""Build the Plan-and-Act graph.

    START -> observe -> planner -> executor -> observe -> replan -> executor -> ... -> observe -> END

With `approve_plan` set, a person reviews the plan between planner (or replan) and executor: the `approve` node
pauses the run on an interrupt until the review is answered.

`graph` (module level) is what `langgraph.json` serves: compiled without a checkpointer, because the LangGraph
API supplies its own. Python callers and the CLI call `build_graph(checkpointer=...)` for durable runs.
"""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore

from graph.context import Context
from graph.routing import after_executor, after_model, after_observe, after_plan
from graph.state import AgentState, TaskInput
from nodes.approve import approve
from nodes.executor import executor
from nodes.lifecycle import episode_node
from nodes.observe import observe
from nodes.planner import planner
from nodes.replan import replan

GRAPH_NAME = "plan_and_act"
# `max_steps` is the real budget: every path through the graph either takes an action or ends the episode, and
# each action costs at most four supersteps (executor, observe, replan, a person's review). LangGraph's own limit
# must therefore never be what stops a run (its default of 25 would stop one at ~8 actions). The served graph
# cannot know a run's max_steps when it is compiled, so it gets a limit no sane budget reaches; Python runs get
# exactly `recursion_limit_for(max_steps)`. (The LangGraph API sets its own default, 10,011, on every run:
# max_steps up to 2,500. The first observe checks that a run's limit fits its budget, so a mismatch ends the
# episode at once with a stated reason instead of a GraphRecursionError hours later.)
SERVED_RECURSION_LIMIT = 100_000


def build_graph(checkpointer: BaseCheckpointSaver | None = None, store: BaseStore | None = None
                ) -> CompiledStateGraph[AgentState, Context, TaskInput, AgentState]:
    """The graph; with `store`, each action's journal is kept there (exactly-once actions across resumes)."""
    builder = StateGraph(AgentState, context_schema=Context, input_schema=TaskInput)
    for name, node in (("observe", observe), ("planner", planner), ("executor", executor), ("replan", replan),
                       ("approve", approve)):
        builder.add_node(name, episode_node(node))
    builder.add_edge(START, "observe")
    builder.add_conditional_edges("observe", after_observe, ["planner", "replan", "executor", END])
    builder.add_conditional_edges("planner", after_plan, ["approve", "executor", END])
    builder.add_conditional_edges("replan", after_plan, ["approve", "executor", END])
    builder.add_conditional_edges("approve", after_model, ["executor", END])
    builder.add_conditional_edges("executor", after_executor, ["observe", END])
    compiled = builder.compile(checkpointer=checkpointer, store=store, name=GRAPH_NAME)
    return compiled.with_config(recursion_limit=SERVED_RECURSION_LIMIT)


graph = build_graph()
