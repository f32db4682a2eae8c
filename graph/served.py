"""What `langgraph.json` serves: the compiled graph, behind a factory that checks each run's settings first.

The LangGraph server filters a run's `context` down to the fields of the context schema before the graph sees it,
so a misspelt setting (`max_stpes`) would silently run with the default. The server hands a graph factory the
caller's context as it arrived; checking it here turns that typo into a failed run whose error names the setting.
Building the graph is not repeated: every run gets the same compiled graph (compiled without a checkpointer,
because the server supplies its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from langgraph.graph.state import CompiledStateGraph

from graph.builder import graph as compiled_graph
from graph.context import Context
from graph.state import AgentState, TaskInput

if TYPE_CHECKING:  # the server resolves this annotation itself; langgraph-sdk is only installed to serve
    from langgraph_sdk.runtime import ServerRuntime


def graph(runtime: ServerRuntime) -> CompiledStateGraph[AgentState, Context, TaskInput, AgentState]:
    context = getattr(runtime, "context", None)
    if isinstance(context, Mapping):
        Context.from_mapping(context)  # raises ContextError naming an unknown or ill-typed setting
    return compiled_graph
