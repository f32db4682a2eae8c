"""Prompts are laid out for prefix caches, and the benchmark that measures it counts what it should.

Consecutive calls of a role must repeat the previous call's prompt up to its newest history line: the system
text, the task and the history come before anything that is rewritten every call (plan, notes, page, feedback).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.messages import BaseMessage

from bench.prompt_cache import CACHE_MIN_TOKENS, call_costs, common_prefix, cost_table, executor_tool_schemas
from graph.context import Context
from graph.moments import executor_moment, replanner_moments
from graph.recorder import ModelCall
from nodes import prompts

pytestmark = pytest.mark.unit

STATE = json.loads((Path(__file__).parents[1] / "agent" / "golden" / "episode_state.json").read_text())


def _text(messages: list[BaseMessage]) -> str:
    return "\n".join(f"<{m.type}>{m.text}" for m in messages)


def _shared_through_history(earlier: str, later: str) -> None:
    """`later` repeats `earlier` up to (not including) the tally line that ends the history section."""
    prefix = earlier[: earlier.index("\n(", earlier.index("## Actions so far"))]
    assert later.startswith(prefix)
    assert "## Current page" not in prefix and "## Current step" not in prefix and "## Previous plan" not in prefix


@pytest.mark.parametrize("mode", ["react", "plan", "plan_and_act"])
def test_consecutive_executor_prompts_share_everything_up_to_the_new_history(mode: str) -> None:
    context = Context(mode=mode, history_window=100)  # nothing leaves the full-result window in this episode
    texts = [_text(prompts.build_messages("executor", executor_moment(STATE, i).state, context))
             for i in range(len(STATE["history"]))]
    for earlier, later in zip(texts, texts[1:]):
        _shared_through_history(earlier, later)


def test_consecutive_replanner_prompts_share_everything_up_to_the_new_history() -> None:
    moments = replanner_moments(STATE)
    assert len(moments) >= 3
    texts = [_text(prompts.build_messages("replanner", m.state, Context())) for m in moments]
    for earlier, later in zip(texts, texts[1:]):
        _shared_through_history(earlier, later)


def _call(thread: str, role: str, content: str, started: float) -> ModelCall:
    return ModelCall(role=role, node=role, thread_id=thread, task_id="1", attempt=0, step=0,
                     messages=[{"role": "user", "content": content}], started_at=started)


def test_only_prefixes_of_at_least_1024_tokens_of_the_same_role_and_episode_count() -> None:
    long = " ".join(f"word{n}" for n in range(1500))
    short = " ".join(f"word{n}" for n in range(300))
    calls = [_call("a", "replanner", long + " first", 1), _call("a", "replanner", long + " second", 2),
             _call("a", "executor", long + " third", 3),  # another role: nothing to share with
             _call("b", "replanner", long + " fourth", 4),  # another episode: nothing to share with
             _call("a", "planner", short + " x", 5), _call("a", "planner", short + " y", 6)]  # shared but short
    costs = call_costs(calls, "plan_and_act")
    cached = [c.cached_tokens for c in costs]
    assert cached[0] == 0 and cached[1] >= CACHE_MIN_TOKENS and cached[2:] == [0, 0, 0, 0]
    assert cached[1] < costs[1].prompt_tokens
    table = cost_table(costs)
    share = 100 * cached[1] / sum(c.prompt_tokens for c in costs)
    assert "| **plan_and_act** | all | 6 |" in table and f"{share:.1f}" in table


def test_the_executor_is_measured_with_its_tool_schemas_first() -> None:
    schemas = executor_tool_schemas(Context())
    assert {s["function"]["name"] for s in schemas} >= {"click", "type", "stop"}
    call = _call("a", "executor", "hello", 1)
    with_tools, without = call_costs([call], "react", schemas)[0], call_costs([call], "react")[0]
    assert with_tools.prompt_tokens > without.prompt_tokens + 500
    assert common_prefix([1, 2, 3], [1, 2, 4]) == 2 and common_prefix([1], [1, 2]) == 1
