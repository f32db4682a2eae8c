"""An episode fed more than a thousand malformed outputs ends with stated reasons and bounded retries, and
max_steps beyond 334 in plan_and_act mode fits LangGraph's recursion limit (it used to stop the run with
GraphRecursionError)."""

from __future__ import annotations

from typing import Any

from graph.builder import build_graph
from graph.context import recursion_limit_for
from graph.runs import run_config, stream_run, task_input
from nodes.model_calls import KEPT_CORRECTIONS
from policies.scripted import ScriptedChatModel, plan_text, tool_call
from tests.agent.graph_helpers import scripted_context
from tests.support.malformed import malformed_replies

ACTIONS = 340  # > 334, where a fixed recursion limit used to end plan_and_act episodes
PER_ACTION = 3  # malformed replies before each good one (max_invalid_outputs retries)


async def test_a_thousand_malformed_outputs_over_340_actions(outfitters) -> None:
    url, _shop = outfitters
    bad = iter(malformed_replies(ACTIONS * PER_ACTION + PER_ACTION + 1))
    script: list[Any] = []
    for index in range(ACTIONS):
        script += [next(bad) for _ in range(PER_ACTION)]
        script.append(tool_call("scroll", direction="down" if index % 2 else "up"))
    script += list(bad)  # one more action's worth of garbage, one reply past the budget: the episode ends
    executor = ScriptedChatModel(script=script)
    replanner = ScriptedChatModel(script=[plan_text("Scroll the page")], repeat_last=True)
    context = scripted_context("plan_and_act", planner=ScriptedChatModel(script=[plan_text("Scroll the page")]),
                               executor=executor, replanner=replanner, max_steps=ACTIONS + 10,
                               max_invalid_outputs=PER_ACTION)
    run = await stream_run(task_input("Scroll", url), context)
    state = run.state
    assert len(state["history"]) == ACTIONS and all(step["ok"] for step in state["history"])
    assert state["invalid_outputs"] == ACTIONS * PER_ACTION + PER_ACTION + 1 >= 1000
    assert state["status"] == "failed" and state["stop_reason"].startswith(
        f"executor output unusable {PER_ACTION + 1} times in a row; last problem: ")
    assert state["usage"]["executor"]["calls"] == len(executor.calls) == len(script)
    # Retries are bounded, and so is what each retry shows the model: never more than a few past corrections.
    longest = max(len(call) for call in executor.calls)
    assert longest == 2 + 2 * KEPT_CORRECTIONS


async def test_a_run_whose_recursion_limit_cannot_fit_its_budget_says_so_at_once(outfitters) -> None:
    url, _shop = outfitters
    context = scripted_context("react", executor=ScriptedChatModel(), max_steps=40)
    config = run_config("too-small", context)
    assert config["recursion_limit"] == recursion_limit_for(40)
    state = await build_graph().ainvoke(task_input("x", url), {**config, "recursion_limit": 60}, context=context)
    assert state["status"] == "failed" and state["failure_kind"] == "settings"
    assert state["stop_reason"] == ("max_steps=40 needs LangGraph's recursion_limit to be at least 170, and this "
                                    "run's is 60: pass recursion_limit in the run's config (graph.runs sets it for "
                                    "you)")
    assert "episode_id" in state and not state.get("observation")  # no browser was started


def test_the_served_graph_fits_large_budgets() -> None:
    """The LangGraph API gives each run its own limit (10,011 by default); tests/agent/test_langgraph_dev.py runs
    a served episode with max_steps=3000, which the first observe would refuse if that limit were too small."""
    from graph.builder import SERVED_RECURSION_LIMIT, graph

    assert graph.config["recursion_limit"] == SERVED_RECURSION_LIMIT >= recursion_limit_for(3000)
