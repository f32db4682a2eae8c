"""Exactly-once actions across resumes: an action the episode did not see finish is settled from the action
journal, never replayed blindly; an element id chosen before a restart is carried over by role and name.

The side-effecting episode (a forum post) is killed with SIGKILL around the post — before and after the click,
before and after each journal and checkpoint write — and resumed in a new process; the forum's database and the
evaluator's verdict must match an uninterrupted run's. `python -m tests.support.kill_matrix --every-point` kills
it at every instrumented point of the whole episode, and `--random 30` at random moments (BENCHMARKS.md)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore

from graph.builder import build_graph
from graph.runs import run_config, task_input
from nodes.action_journal import outcome
from policies.scripted import ScriptedChatModel, tool_call
from tests.agent.graph_helpers import scripted_context
from tests.support.kill_matrix import around_action, killed_and_resumed, reference
from tests.support.scripting import on
from tools.session import sessions

FORUM_POST = 85  # "Post my question ... in a subreddit where I'm likely to get an answer"


@pytest.fixture(scope="module")
def uninterrupted():
    return reference(FORUM_POST)


def test_killed_around_the_post_then_resumed_posts_exactly_once(uninterrupted) -> None:
    assert uninterrupted.score == 1.0
    post = uninterrupted.passed["tool-before"]  # the last browser action submits the post
    window = around_action(uninterrupted.order, post)
    # Every state the journal can be left in (the action started; the post sent; answered with its 303; the
    # browser following it; the landing page answered) and the last moment before the checkpoint. A kill just
    # before or after the tool call leaves the same journal as the first and the last of these (the kill matrix
    # benchmark tries every point). Trials are independent (own sites, own processes): two run at a time.
    # And once the episode has chosen to stop, or has ended: the resume has no browser action left, yet the verdict
    # must still come from the page the episode ended on (it is brought back for the evaluator).
    ending = [p for p in uninterrupted.order if p.startswith("checkpoint-after")][-2:]
    points = [p for p in window if p.startswith("journal-after")] + [window[-2]] + ending
    assert len(points) >= 8, window
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda point: killed_and_resumed(FORUM_POST, kill=point), points))
    assert [point for point, resumed in zip(points, outcomes) if not resumed.killed] == []
    different = [(point, resumed.score, resumed.results) for point, resumed in zip(points, outcomes)
                 if not resumed.same_as(uninterrupted)]
    assert different == []


async def test_an_id_is_carried_over_by_role_and_name_after_a_restart(outfitters) -> None:
    url, shop = outfitters
    await _run_across_a_restart(url, on("button", "Proceed to checkout"))
    assert shop.proceeded == ["checkout"]  # once, and the right button, though every id after the notice moved


async def test_an_element_that_is_gone_after_a_restart_is_not_clicked(outfitters) -> None:
    url, shop = outfitters
    state = await _run_across_a_restart(url, on("button", "Dismiss"))  # the one-time notice's button
    step = state["history"][0]
    assert not step["ok"] and "is no longer on the page" in step["result"] and "choose again" in step["result"]
    assert shop.proceeded == []


async def _run_across_a_restart(url: str, first_action) -> dict:
    """Run to the first pending action, lose the browser (as a killed process does), resume to the end."""
    executor = ScriptedChatModel(script=[first_action, tool_call("stop", answer="done")])
    context = scripted_context("react", executor=executor)
    graph = build_graph(InMemorySaver(), InMemoryStore())
    config = run_config("restart", context)
    await graph.ainvoke(task_input("Proceed", f"{url}/review"), config, context=context,
                        interrupt_before=["observe"])  # before the first look
    state = await graph.ainvoke(None, config, context=context, interrupt_before=["observe"])
    assert state["pending_action"] is not None  # chosen on the page with the notice, not yet done
    await sessions.close(state["episode_id"])  # the process is gone, and its browser with it
    final = await graph.ainvoke(None, config, context=context)
    await sessions.close(final["episode_id"])
    assert final["resumes"] == 1
    return final


@pytest.mark.unit
def test_what_the_journal_says_decides_the_resume() -> None:
    call = {"id": "c1", "name": "click", "args": {"id": 5}}
    nothing_sent = outcome({"requests": []}, call, "the episode was stopped")  # type: ignore[arg-type]
    assert nothing_sent.rerun
    answered = outcome({"requests": [
        {"method": "POST", "url": "http://s/post", "navigation": True, "main_frame": True, "status": 303,
         "location": "http://s/f/1"},
        {"method": "GET", "url": "http://s/f/1", "navigation": True, "main_frame": True, "status": 200,
         "location": ""}]}, call, "the episode was stopped")  # type: ignore[arg-type]
    assert not answered.rerun and answered.ok and answered.landing_url == "http://s/f/1"
    assert "had taken effect" in answered.explanation and "not repeated" in answered.explanation
    redirected = outcome({"requests": [  # killed after the post's 303, before the browser followed it
        {"method": "POST", "url": "http://s/post", "navigation": True, "main_frame": True, "status": 303,
         "location": "http://s/f/1"}]}, call, "the episode was stopped")  # type: ignore[arg-type]
    assert redirected.ok and redirected.landing_url == "http://s/f/1"  # where the browser was going, not the form
    following = outcome({"requests": [  # killed while the browser followed the post's 303
        {"method": "POST", "url": "http://s/post", "navigation": True, "main_frame": True, "status": 303,
         "location": "http://s/f/1"},
        {"method": "GET", "url": "http://s/f/1", "navigation": True, "main_frame": True, "status": 0,
         "location": ""}]}, call, "the episode was stopped")  # type: ignore[arg-type]
    assert following.ok and not following.rerun and following.landing_url == "http://s/f/1"
    unknown = outcome({"requests": [{"method": "POST", "url": "http://s/post", "navigation": True,
                                     "main_frame": True, "status": 0, "location": ""}]},
                      call, "the episode was stopped")  # type: ignore[arg-type]
    assert not unknown.rerun and not unknown.ok and unknown.explanation.startswith("error:")
    assert "may or may not have taken effect" in unknown.explanation
