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
    return builder.compile(checkpointer=checkpointer, name=GRAPH_NAME)


graph = build_graph()
