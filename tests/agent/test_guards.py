"""Episodes that go wrong end (or recover) with a stated reason, never a traceback."""

from __future__ import annotations

from langchain_core.messages import AIMessage

from policies.scripted import ScriptedChatModel, plan_text, tool_call
from tests.agent.graph_helpers import run_graph, scripted_context
from tests.support.ports import unused_port
from tests.support.scripting import on

DEAD = on("button", "Refresh inventory")



async def test_repeating_an_action_on_an_unchanged_page_forces_a_replan_then_stops(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[DEAD], repeat_last=True)
    replanner = ScriptedChatModel(script=[plan_text("Try something else")])
    context = scripted_context("plan", planner=ScriptedChatModel(script=[plan_text("Refresh the inventory")]),
                               executor=executor, replanner=replanner)
    state, route = await run_graph(context, "Refresh the inventory", f"{url}/dead")
    # plan mode never replans on its own: the one replan is the loop rule's doing, after the third repeat
    assert route == (["observe", "planner"] + ["executor", "observe"] * 3 + ["replan"]
                     + ["executor", "observe"])
    assert state["status"] == "stopped"
    assert state["stop_reason"] == ("stuck in a loop: click(id={0}) was repeated 4 times on a page it did not "
                                    "change, even after replanning").format(state["history"][0]["args"]["id"])
    assert len(replanner.calls) == 1
    warned = str(executor.calls[3][-1].content)
    assert "## Feedback\n- click(id=" in warned and "has now been done 3 times in a row" in warned


async def test_react_mode_gets_the_loop_warning_as_feedback(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[DEAD], repeat_last=True)
    state, route = await run_graph(scripted_context("react", executor=executor), "Refresh", f"{url}/dead")
    assert "replan" not in route and state["status"] == "stopped"
    assert "has now been done 3 times" in str(executor.calls[3][-1].content)
    assert len(state["history"]) == 4


async def test_malformed_output_is_fed_back_and_the_episode_recovers(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[
        AIMessage(content="I think I should look at the catalog."),  # no tool call
        tool_call("teleport", to="catalog"),  # unknown tool
        tool_call("click", id="the catalog link"),  # bad arguments
        on("link", "Catalog"),
        tool_call("stop", answer="done"),
    ])
    state, _route = await run_graph(scripted_context("react", executor=executor), "Open the catalog", url)
    assert state["status"] == "done" and state["invalid_outputs"] == 3
    retry = executor.calls[3]  # the fourth attempt carries the whole correction conversation
    corrections = [str(m.content) for m in retry if "could not be used" in str(m.content)]
    assert corrections == [
        "That output could not be used: there was no tool call; call exactly one of the tools. Answer again, "
        "following the format.",
        "That output could not be used: there is no tool named 'teleport'; the tools are: click, type, hover, "
        "select_option, press, scroll, wait, goto, go_back, go_forward, new_tab, tab_focus, close_tab, stop. Answer "
        "again, following the format.",
        "That output could not be used: bad arguments for click: id: Input should be a valid integer, unable to "
        "parse string as an integer. Answer again, following the format.",
    ]


async def test_malformed_output_past_the_retry_budget_ends_the_episode(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=["Hmm."], repeat_last=True)
    context = scripted_context("react", executor=executor, max_invalid_outputs=2)
    state, route = await run_graph(context, "Open the catalog", url)
    assert route == ["observe", "executor"]
    assert state["status"] == "failed" and len(executor.calls) == 3
    assert state["stop_reason"] == ("executor output unusable 3 times in a row; last problem: there was no tool "
                                    "call; call exactly one of the tools")


async def test_text_actions_are_accepted_from_models_without_tool_calls(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=["I will finish now.\n```stop [nothing to do]```"])
    state, _route = await run_graph(scripted_context("react", executor=executor), "Say hi", url)
    assert state["status"] == "done" and state["answer"] == "nothing to do" and state["invalid_outputs"] == 0


async def test_unusable_plan_is_retried_then_ends_the_episode(outfitters) -> None:
    url, _shop = outfitters
    planner = ScriptedChatModel(script=["I'd rather not.", "Still no."])
    context = scripted_context("plan", planner=planner, executor=ScriptedChatModel(), max_invalid_outputs=1)
    state, route = await run_graph(context, "Open the catalog", url)
    assert route == ["observe", "planner"] and state["status"] == "failed"
    assert state["stop_reason"].startswith("planner wrote no usable plan in 2 tries; last problem: found no steps")


async def test_max_steps(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[on("link", "Catalog"), on("link", "Home")], repeat_last=False)
    executor.script = [on("link", "Catalog"), on("link", "Home")] * 5
    state, _route = await run_graph(scripted_context("react", executor=executor, max_steps=3), "Wander", url)
    assert state["status"] == "stopped" and len(state["history"]) == 3
    assert state["stop_reason"] == "reached max_steps=3 without the task being finished"


async def test_a_model_that_raises_ends_the_episode_with_the_error(outfitters) -> None:
    url, _shop = outfitters

    def broken(messages):
        raise ConnectionError("upstream model server refused the connection")

    executor = ScriptedChatModel(script=[broken])
    state, _route = await run_graph(scripted_context("react", executor=executor), "Anything", url)
    assert state["status"] == "failed"
    assert state["stop_reason"] == "executor model error: ConnectionError: upstream model server refused the connection"


async def test_unreachable_and_forbidden_start_pages(outfitters) -> None:
    url, _shop = outfitters
    context = scripted_context("react", executor=ScriptedChatModel())
    closed = f"http://127.0.0.1:{unused_port()}/"
    state, route = await run_graph(context, "Anything", closed)
    assert route == ["observe"] and state["status"] == "failed"
    assert state["stop_reason"].startswith(f"could not load the start page {closed}: ")
    assert "ERR_CONNECTION_REFUSED" in state["stop_reason"]
    state, _route = await run_graph(context, "Anything", url, allowed_domains=["example.com"])
    assert state["stop_reason"] == (f"navigation to {url} blocked: it is outside the allowed domains (example.com)")
    state, _route = await run_graph(context, "Anything", "not a url")
    assert state["stop_reason"] == "'not a url' is not a URL the browser can open (expected http://host/...)"


async def test_off_site_navigation_is_refused_and_the_executor_is_told(outfitters) -> None:
    url, _shop = outfitters
    executor = ScriptedChatModel(script=[tool_call("goto", url="http://example.invalid/"),
                                         tool_call("stop", answer="blocked")])
    state, _route = await run_graph(scripted_context("react", executor=executor), "Leave", url)
    assert state["history"][0]["ok"] is False
    assert "FAILED: error: navigation to http://example.invalid/ blocked" in str(executor.calls[1][-1].content)
    assert state["observation"]["url"] == url + "/"
