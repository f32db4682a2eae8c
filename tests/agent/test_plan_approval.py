"""A person reviews the plan (`approve_plan`): the graph pauses on an interrupt with the plan, the run loop hands
the interrupt back, and `Command(resume=...)` approves, edits or rejects — through the real graph and browser."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from graph.context import Context
from graph.routing import needs_review
from graph.runs import RunResult, stream_run, task_input
from nodes.approve import REVIEW, read_review
from policies.scripted import ScriptedChatModel, plan_text, tool_call
from tests.agent.graph_helpers import scripted_context
from tests.support.scripting import on
from tools.session import sessions

INTENT = "Add the Summit Hiking Boots to the cart and tell me their price"
PLAN = plan_text("Open the catalog", "Search for boots", "Add the boots to the cart", notes=["nothing yet"])
EDITED = plan_text("Search the catalog for 'summit'", "Report the price", notes=["a person wrote this"])
_threads = itertools.count()


async def drive(context: Context, url: str, answers: list[Any], saver: InMemorySaver | None = None,
                thread: str | None = None) -> tuple[RunResult, list[dict], list[str]]:
    """Run an episode, answering each interrupt with the next answer; returns the last result, every interrupt
    value seen and the route of nodes."""
    saver = saver or InMemorySaver()
    thread = thread or f"approval-{next(_threads)}"
    route: list[str] = []
    seen: list[dict] = []
    run = await stream_run(task_input(INTENT, url), context, thread_id=thread, checkpointer=saver,
                           on_update=lambda node, _v: route.append(node))
    for answer in answers:
        if run.interrupt is None:
            break
        seen.append(run.interrupt)
        run = await stream_run(Command(resume=answer), context, thread_id=thread, checkpointer=saver,
                               on_update=lambda node, _v: route.append(node))
    return run, seen, route


def _models(executor_script: list, replans: int = 0) -> dict[str, ScriptedChatModel]:
    replanner = ScriptedChatModel(script=[plan_text(f"Keep going ({n})") for n in range(1, replans + 1)]
                                  or [plan_text("Keep going")], repeat_last=True)
    return {"planner": ScriptedChatModel(script=[PLAN]), "executor": ScriptedChatModel(script=executor_script),
            "replanner": replanner}


@pytest.mark.unit
def test_answers_are_read_strictly_and_unusable_ones_say_why() -> None:
    assert read_review("approve").decision == "approve" and read_review(" Yes ").decision == "approve"
    assert read_review("reject").decision == "reject"
    rejected = read_review({"decision": "reject", "reason": "  wrong\n shop "})
    assert (rejected.decision, rejected.reason) == ("reject", "wrong shop")
    edited = read_review({"decision": "edit", "plan": EDITED})
    assert edited.decision == "edit" and edited.plan is not None
    assert [s["instruction"] for s in edited.plan["steps"]] == ["Search the catalog for 'summit'", "Report the price"]
    assert edited.plan["notes"] == ["a person wrote this"]
    numbered = read_review({"decision": "edit", "plan": "1. Open the cart\n2. Report the total"})
    assert numbered.plan is not None and len(numbered.plan["steps"]) == 2  # the one tolerant parser
    for answer, problem in [("maybe", "unknown answer 'maybe'"), ({"decision": "skip"}, "unknown decision 'skip'"),
                            ({"decision": "edit"}, "an edit needs the new plan as text"),
                            ({"decision": "edit", "plan": "just do it"}, "the edited plan has no steps"),
                            (42, "must be a string or an object")]:
        review = read_review(answer)
        assert review.decision == "" and problem in review.problem, (answer, review)


@pytest.mark.unit
@pytest.mark.parametrize(("setting", "plans", "reviewed", "expected"), [
    ("off", 1, 0, False), ("first", 1, 0, True), ("first", 1, 1, False), ("first", 3, 1, False),
    ("every", 1, 0, True), ("every", 2, 1, True), ("every", 2, 2, False), ("first", 0, 0, False)])
def test_which_plans_wait_for_a_person(setting: str, plans: int, reviewed: int, expected: bool) -> None:
    state: Any = {"plans": [{"after_action": 0, "plan": {}}] * plans, "plans_reviewed": reviewed}
    assert needs_review(state, Context(approve_plan=setting)) is expected


async def test_approving_the_first_plan_lets_the_episode_run_on_in_the_same_browser(outfitters) -> None:
    url, shop = outfitters
    models = _models([on("link", "Catalog"), on("textbox", "Search products", "type", text="summit",
                                                 press_enter=True),
                      on("link", "Summit Hiking Boots"), on("button", "Add to cart"),
                      tool_call("stop", answer="$129.00")])
    context = scripted_context("plan_and_act", approve_plan="first", **models)
    saver = InMemorySaver()
    paused = await stream_run(task_input(INTENT, url), context, thread_id="approve-1", checkpointer=saver)
    review = paused.interrupt
    assert review["type"] == REVIEW and review["version"] == 0 and review["written_by"] == "planner"
    assert [s["instruction"] for s in review["plan"]["steps"]] == ["Open the catalog", "Search for boots",
                                                                  "Add the boots to the cart"]
    assert review["plan_text"].startswith("## Step 1\nReasoning:") and review["url"].rstrip("/") == url
    assert review["problem"] == "" and paused.state["status"] == "running" and not models["executor"].calls
    live = sessions.get(paused.state["episode_id"])
    assert live is not None and live.page.url.rstrip("/") == url  # the browser waits for the answer

    done = await stream_run(Command(resume="approve"), context, thread_id="approve-1", checkpointer=saver)
    assert done.interrupt is None and done.state["status"] == "done" and done.state["answer"] == "$129.00"
    assert shop.cart == ["summit-boots"] and done.state.get("resumes", 0) == 0  # no browser re-created
    assert done.state["plans_reviewed"] == 1 and len(done.state["plans"]) == 5  # replans were not reviewed
    assert sessions.get(paused.state["episode_id"]) is None  # closed once the episode ended


async def test_an_edited_plan_replaces_the_plan_and_the_executor_follows_it(outfitters) -> None:
    url, _shop = outfitters
    models = _models([on("link", "Catalog"), tool_call("stop", answer="unknown")])
    context = scripted_context("plan", approve_plan="first", **models)
    run, seen, route = await drive(context, url, [{"decision": "edit", "plan": EDITED}])
    assert len(seen) == 1 and run.state["status"] == "done"
    assert route == ["observe", "planner", "approve", "executor", "observe", "executor", "observe"]
    versions = run.state["plans"]
    assert [v.get("by") for v in versions] == ["planner", "person"] and versions[1]["after_action"] == 0
    assert run.state["history"][0]["plan_step"] == "Search the catalog for 'summit'"
    assert run.state["history"][0]["plan_version"] == 1
    first_prompt = str(models["executor"].calls[0][-1].content)
    assert "## Plan\n1. Search the catalog for 'summit'\n2. Report the price" in first_prompt
    assert "a person wrote this" in first_prompt


async def test_rejecting_ends_the_episode_with_the_reason_and_closes_the_browser(outfitters) -> None:
    url, _shop = outfitters
    models = _models([on("link", "Catalog")])
    context = scripted_context("plan_and_act", approve_plan="first", **models)
    run, seen, route = await drive(context, url, [{"decision": "reject", "reason": "not this shop"}])
    assert run.interrupt is None and len(seen) == 1
    assert (run.state["status"], run.state["stop_reason"]) == ("stopped", "a person rejected the plan: not this shop")
    assert route == ["observe", "planner", "approve"] and not models["executor"].calls
    assert sessions.get(run.state["episode_id"]) is None


async def test_an_unusable_answer_asks_again_with_the_problem(outfitters) -> None:
    url, _shop = outfitters
    models = _models([tool_call("stop", answer="fine")])
    context = scripted_context("plan", approve_plan="first", **models)
    run, seen, _route = await drive(context, url, ["perhaps", {"decision": "edit", "plan": "no steps here"},
                                                   "approve"])
    assert [review["problem"][:30] for review in seen] == [
        "", "unknown answer 'perhaps': answ", "the edited plan has no steps: "]
    assert all(review["version"] == 0 for review in seen) and run.state["status"] == "done"


async def test_every_replan_is_reviewed_when_asked(outfitters) -> None:
    url, _shop = outfitters
    models = _models([on("link", "Catalog"), on("link", "Home"), tool_call("stop", answer="x")], replans=2)
    context = scripted_context("plan_and_act", approve_plan="every", **models)
    run, seen, route = await drive(context, url, ["approve"] * 10)
    assert run.state["status"] == "done" and len(seen) == 3
    assert [(r["version"], r["written_by"], r["after_action"]) for r in seen] == [
        (0, "planner", 0), (1, "replanner", 1), (2, "replanner", 2)]
    assert route.count("approve") == 3 and run.state["plans_reviewed"] == 3


async def test_a_paused_run_picked_up_later_asks_the_same_question(outfitters) -> None:
    """The process that paused is gone (its browser closed); a resume with no input asks again."""
    url, _shop = outfitters
    models = _models([on("link", "Catalog"), tool_call("stop", answer="ok")])
    context = scripted_context("plan", approve_plan="first", **models)
    saver = InMemorySaver()
    first = await stream_run(task_input(INTENT, url), context, thread_id="later", checkpointer=saver)
    await first.close_browser()
    again = await stream_run(None, context, thread_id="later", checkpointer=saver)
    assert again.interrupt == first.interrupt and len(models["planner"].calls) == 1  # no second planner call
    done = await stream_run(Command(resume="approve"), context, thread_id="later", checkpointer=saver)
    assert done.state["status"] == "done" and done.state["resumes"] == 1  # the browser came back at the last page


async def test_approval_without_a_checkpointer_is_a_clear_error(outfitters) -> None:
    url, _shop = outfitters
    with pytest.raises(ValueError, match="approve_plan pauses the run until a person answers"):
        await stream_run(task_input(INTENT, url), Context(approve_plan="first"))
