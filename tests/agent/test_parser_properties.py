"""Parsers are total and linear: no model output makes them raise or run long, and they act only on what is
unmistakably an action.

Hypothesis feeds each parser 10,000 generated outputs (text actions, JSON tool calls and plans share one stream;
tool arguments have their own), drawn ten to an example so hypothesis' bookkeeping is paid 1,000 times, not
10,000. Time is measured as CPU time of this process, so a busy machine does not make a linear parser look slow;
the outputs that made the old parsers take minutes are timed one by one, and families of growing inputs must grow
linearly."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage

from nodes.action_text import parse_action_text
from nodes.executor import parse_tool_call
from nodes.plan_text import parse_plan
from tests.support.malformed import model_outputs, tool_arguments
from tools.actions import TOOLS_BY_NAME, validate_call
from tools.vocabulary import ACTION_NAMES

BATCH = 10  # outputs per example
MANY = settings(max_examples=1_000, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MS_PER_KB = 20.0  # an upper bound in CPU time; linear code here takes well under 1 ms per KB


def cpu_ms(function, *args) -> float:
    started = time.process_time()
    function(*args)
    return (time.process_time() - started) * 1000


def within_budget(text: str, function):
    started = time.process_time()
    result = function(text)
    spent = (time.process_time() - started) * 1000
    assert spent <= 50 + MS_PER_KB * len(text) / 1024, (spent, len(text), text[:80])
    return result


def _tool_call_from_text(text: str):
    """The executor's reading of a reply that carries no native tool call: the text fallback, id checks and all."""
    return parse_tool_call(AIMessage(content=text), TOOLS_BY_NAME, page_ids={1, 2, 3})


def test_text_json_and_plan_parsers_take_any_output() -> None:
    fed = 0

    @MANY
    @given(st.lists(model_outputs(), min_size=BATCH, max_size=BATCH))
    def feed(texts: list[str]) -> None:
        nonlocal fed
        for text in texts:
            action = within_budget(text, parse_action_text)
            assert action is None or (isinstance(action["name"], str) and isinstance(action["args"], dict))
            plan = within_budget(text, parse_plan)
            assert all(step["instruction"] for step in plan.steps)
            call, problem = within_budget(text, _tool_call_from_text)
            assert (call is None) != (problem == "")
        fed += len(texts)

    feed()
    assert fed >= 10_000


def test_tool_arguments_are_checked_without_raising() -> None:
    fed = 0

    @MANY
    @given(st.lists(st.tuples(st.sampled_from([*ACTION_NAMES, "teleport", ""]), tool_arguments), min_size=BATCH,
                    max_size=BATCH))
    def feed(calls: list[tuple[str, dict]]) -> None:
        nonlocal fed
        for name, args in calls:
            problem = validate_call(name, args)
            assert problem is None or isinstance(problem, str)
            message = AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": "c", "type": "tool_call"}])
            call, reason = parse_tool_call(message, TOOLS_BY_NAME, page_ids={1, 2, 3})
            if call is not None:
                assert reason == "" and problem is None
                if "id" in call["args"]:
                    assert call["args"]["id"] in {1, 2, 3}  # only ids the current page shows
        fed += len(calls)

    feed()
    assert fed >= 10_000


@pytest.mark.unit
@pytest.mark.parametrize("text", [
    "{}" * 4096,  # 8 KB of braces: 139 s before
    "x" + "\n" * 8000,  # 11 s before
    "## Step 1\nReasoning:" + " " * 100_000 + "x\nStep: go",  # long runs of spaces: 14-58 s before
    ("## Step 1" + " " * 50 + "\n") * 2000,
    "<think>" * 20_000,
    "<think>a</think>" * 10_000,
    "```" * 30_000,
    "[" * 60_000,
    '{"name": "click", "arguments": ' + "[" * 100_000,
    "click " + "[1] " * 20_000 + "x",
])
def test_the_outputs_that_used_to_hang_are_parsed_at_once(text: str) -> None:
    within_budget(text, parse_action_text)
    within_budget(text, parse_plan)
    within_budget(text, _tool_call_from_text)


@pytest.mark.unit
@pytest.mark.parametrize("piece", ["{}", "\n", " ", "[", "<think>", "```", "## Step 1 \n", "click [1] "])
def test_time_grows_linearly_with_the_output(piece: str) -> None:
    for parse in (parse_action_text, parse_plan, _tool_call_from_text):
        small = min(cpu_ms(parse, piece * 2_000) for _ in range(3))
        large = min(cpu_ms(parse, piece * 16_000) for _ in range(3))
        assert large <= 8 * small * 3 + 20, (parse.__name__, piece, small, large)  # 8x the input, far from 64x


@pytest.mark.unit
@pytest.mark.parametrize("text", ["Stop and think: the cart is empty.", "Click [12] would be wrong",
                                  "I could click [3] here.", "type [5] [boots] later, not now",
                                  "Stop: $45", "scroll around", "click [--5]", "click [²]", "click [١٢]",
                                  "click [99999999999999999999]"])
def test_prose_that_mentions_an_action_is_not_an_action(text: str) -> None:
    assert parse_action_text(text) is None


@pytest.mark.unit
def test_ids_must_be_on_the_current_page_and_in_range() -> None:
    def reply(**args) -> AIMessage:
        return AIMessage(content="", tool_calls=[{"name": "click", "args": args, "id": "c", "type": "tool_call"}])

    assert parse_tool_call(reply(id=2), TOOLS_BY_NAME, page_ids={1, 2})[0] == {"id": "c", "name": "click",
                                                                             "args": {"id": 2}}
    call, problem = parse_tool_call(reply(id=7), TOOLS_BY_NAME, page_ids={1, 2})
    assert call is None and problem.startswith("there is no element [7] on the current page")
    call, problem = parse_tool_call(reply(id=10**30), TOOLS_BY_NAME, page_ids={1, 2})
    assert call is None and "less than or equal to 2147483647" in problem


@pytest.mark.unit
def test_several_tool_calls_in_one_reply_run_the_first_and_say_so() -> None:
    message = AIMessage(content="", tool_calls=[
        {"name": "type", "args": {"id": 1, "text": "boots"}, "id": "a", "type": "tool_call"},
        {"name": "click", "args": {"id": 2}, "id": "b", "type": "tool_call"},
        {"name": "stop", "args": {"answer": "done"}, "id": "c", "type": "tool_call"}])
    call, problem = parse_tool_call(message, TOOLS_BY_NAME, page_ids={1, 2})
    assert problem == "" and call is not None and call["name"] == "type"
    assert call["note"] == ('only the first of the 3 tool calls in that reply was done; not done: click(id=2), '
                            'stop(answer="done"). Call one tool per turn')


async def test_long_outputs_are_parsed_off_the_event_loop() -> None:
    from nodes.model_calls import ask
    from policies.scripted import ScriptedChatModel

    threads: list[threading.Thread] = []

    def parse(message: AIMessage):
        threads.append(threading.current_thread())
        return None, "unusable"

    model = ScriptedChatModel(script=["short", "x" * 100_000])
    await ask(model, [], "executor", parse, retries=1)
    assert threads[0] is threading.main_thread() and threads[1] is not threading.main_thread()
