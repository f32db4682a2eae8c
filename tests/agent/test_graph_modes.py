"""One graph, three modes, on a real multi-page site in real Chromium, with scripted models for every role."""

from __future__ import annotations

import re

from langchain_core.messages import AIMessage, BaseMessage

from nodes import prompts
from nodes.plan_text import parse_plan, render_plan
from policies.scripted import ScriptedChatModel, plan_text, tool_call
from tests.agent.graph_helpers import run_graph, scripted_context
from tests.support.scripting import on

INTENT = "Add the Summit Hiking Boots to the cart and tell me their price"
SHOPPING = [
    on("link", "Catalog"),
    on("textbox", "Search products", "type", text="summit"),
    on("combobox", "Category", "select_option", option="Boots"),
    on("button", "Search"),
    on("link", "Summit Hiking Boots"),
    on("button", "Add to cart"),
    tool_call("stop", answer="$129.00"),
]
ACTIONS = ["click", "type", "select_option", "click", "click", "click", "stop"]
PLAN = plan_text("Open the catalog", "Search for 'summit' among boots", "Open the boots and add them to the cart",
                 "Report the price")


def actions(state: dict) -> list[str]:
    return [step["action"] for step in state["history"]]


async def test_react_mode_is_the_executor_alone(outfitters) -> None:
    url, shop = outfitters
    executor = ScriptedChatModel(script=SHOPPING)
    state, route = await run_graph(scripted_context("react", executor=executor), INTENT, url)
    assert state["status"] == "done" and state["answer"] == "$129.00"
    assert route == ["observe"] + ["executor", "observe"] * 7
    assert actions(state) == ACTIONS
    assert shop.cart == ["summit-boots"]  # the click really posted the form to the server
    assert "## Current step" not in str(executor.calls[0][-1].content)  # no plan in a react prompt
    assert state["usage"]["executor"]["calls"] == 7 and "planner" not in state["usage"]


async def test_plan_mode_plans_once_and_never_replans(outfitters) -> None:
    url, shop = outfitters
    planner, executor = ScriptedChatModel(script=[PLAN]), ScriptedChatModel(script=SHOPPING)
    state, route = await run_graph(scripted_context("plan", planner=planner, executor=executor), INTENT, url)
    assert state["status"] == "done" and shop.cart == ["summit-boots"]
    assert route == ["observe", "planner"] + ["executor", "observe"] * 7
    assert len(state["plans"]) == 1 and len(state["plan"]["steps"]) == 4
    first_prompt = str(executor.calls[0][-1].content)
    assert "## Plan\n1. Open the catalog\n2. Search for 'summit' among boots" in first_prompt
    planner_prompt = str(planner.calls[0][-1].content)
    assert "## Task\n" + INTENT in planner_prompt and 'link "Catalog"' in planner_prompt  # goal + first page


async def test_plan_and_act_replans_after_every_action(outfitters) -> None:
    url, shop = outfitters
    planner = ScriptedChatModel(script=[PLAN])
    replanner = ScriptedChatModel(script=[plan_text("Keep going with the boots")], repeat_last=True)
    executor = ScriptedChatModel(script=SHOPPING)
    context = scripted_context("plan_and_act", planner=planner, executor=executor, replanner=replanner)
    state, route = await run_graph(context, INTENT, url)
    assert state["status"] == "done" and shop.cart == ["summit-boots"]
    assert route == ["observe", "planner"] + ["executor", "observe", "replan"] * 6 + ["executor", "observe"]
    assert len(replanner.calls) == 6 and len(state["plans"]) == 7
    assert [v["after_action"] for v in state["plans"]] == list(range(7))
    # The replanner sees the previous plan, the actions so far and the current page.
    third = str(replanner.calls[2][-1].content)
    assert "## Previous plan" in third and "## Actions so far\n" in third and "\n(3 taken, 3 succeeded)\n" in third
    assert "URL: " + url + "/catalog" in third
    assert {role: u["calls"] for role, u in state["usage"].items()} == {"planner": 1, "replanner": 6, "executor": 7}
    assert all(u["input_tokens"] > 0 for u in state["usage"].values())


def _carry_notes(messages: list[BaseMessage]) -> AIMessage:
    """A replanner that keeps the previous plan's notes and adds a price the moment a page shows one."""
    prompt = str(messages[-1].content)
    previous = prompt.split("## Previous plan\n", 1)[1].split("\n## Current page", 1)[0].replace("### ", "## ")
    notes = parse_plan(previous).notes
    price = re.search(r'link "Summit Hiking Boots".*\n\s*StaticText "\$([\d.]+)"', prompts.read_page(messages))
    if price and not any("$" in note for note in notes):
        notes.append(f"Summit Hiking Boots cost ${price.group(1)}")
    steps = [{"reasoning": "The cart needs the boots.", "instruction": "Add the boots to the cart"}]
    return AIMessage(content=render_plan(steps, notes))  # type: ignore[arg-type]


async def test_a_fact_found_at_step_2_reaches_the_executor_at_step_4(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[
        on("link", "Catalog"),
        on("textbox", "Search products", "type", text="summit", press_enter=True),  # step 2: results show prices
        on("link", "Summit Hiking Boots"),
        on("button", "Add to cart"),
        tool_call("stop", answer="$129.00"),
    ])
    replanner = ScriptedChatModel(script=[_carry_notes], repeat_last=True)
    context = scripted_context("plan_and_act", planner=ScriptedChatModel(script=[PLAN]), executor=executor,
                               replanner=replanner)
    state, _route = await run_graph(context, INTENT, url)
    assert state["status"] == "done"
    note = "- Summit Hiking Boots cost $129.00"
    executor_prompts = [str(call[-1].content) for call in executor.calls]
    assert note not in executor_prompts[1]  # step 2's prompt: nothing found yet
    assert note in executor_prompts[2] and note in executor_prompts[3]  # carried to steps 3 and 4
    assert state["plans"][2]["after_action"] == 2 and "Summit Hiking Boots cost $129.00" in state["plans"][2]["plan"]["notes"]
    assert state["plan"]["notes"] == ["Summit Hiking Boots cost $129.00"]


async def test_replanner_can_rewrite_the_remaining_steps(outfitters) -> None:
    url, _shop = outfitters
    replanner = ScriptedChatModel(script=[plan_text("Type 'summit' in the search box", "Report the price"),
                                          plan_text("Report the price", notes=["the search was skipped"])],
                                  repeat_last=True)
    executor = ScriptedChatModel(script=[on("link", "Catalog"), on("textbox", "Search products", "type", text="x"),
                                         tool_call("stop", answer="unknown")])
    context = scripted_context("plan_and_act", planner=ScriptedChatModel(script=[PLAN]), executor=executor,
                               replanner=replanner)
    state, _route = await run_graph(context, INTENT, url)
    assert "## Current step\nType 'summit' in the search box" in str(executor.calls[1][-1].content)
    assert "## Current step\nReport the price" in str(executor.calls[2][-1].content)
    assert "- the search was skipped" in str(executor.calls[2][-1].content)
    assert [s["plan_step"] for s in state["history"]] == ["Open the catalog", "Type 'summit' in the search box",
                                                          "Report the price"]
