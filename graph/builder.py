"""Build the Plan-and-Act graph.

    START -> observe -> planner -> executor -> observe -> replan -> executor -> ... -> observe -> END

`graph` (module level) is what `langgraph.json` serves: compiled without a checkpointer, because the LangGraph
API supplies its own. Python callers and the CLI call `build_graph(checkpointer=...)` for durable runs.
"""

from __future__ import annotations

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from graph.context import Context
from graph.routing import after_executor, after_model, after_observe
from graph.state import AgentState, TaskInput
from nodes.executor import executor
from nodes.observe import observe
from nodes.planner import planner
from nodes.replan import replan

GRAPH_NAME = "plan_and_act"
# Each action is three supersteps (executor, observe, replan); `max_steps` is the real budget, so the
# framework's own limit only needs to stay out of the way (its default of 25 would stop a run at ~8 actions
# when it is served by `langgraph dev`, where callers rarely set it).
RECURSION_LIMIT = 1000


def build_graph(checkpointer: BaseCheckpointSaver | None = None) -> CompiledStateGraph:
    builder = StateGraph(AgentState, context_schema=Context, input_schema=TaskInput)
    builder.add_node("observe", observe)
    builder.add_node("planner", planner)
    builder.add_node("executor", executor)
    builder.add_node("replan", replan)
    builder.add_edge(START, "observe")
    builder.add_conditional_edges("observe", after_observe, ["planner", "replan", "executor", END])
    builder.add_conditional_edges("planner", after_model, ["executor", END])
    builder.add_conditional_edges("replan", after_model, ["executor", END])
    builder.add_conditional_edges("executor", after_executor, ["observe", END])
    return builder.compile(checkpointer=checkpointer, name=GRAPH_NAME).with_config(recursion_limit=RECURSION_LIMIT)


graph = build_graph()
