"""The recorder sees every model call of a run, and a finished episode's state rebuilds each call's messages
byte for byte (what the data pipeline's export relies on)."""

from __future__ import annotations

from collections import Counter

from graph.context import Context
from graph.moments import all_moments
from graph.recorder import ModelCallRecorder, openai_messages, read_calls
from graph.runs import run_episode
from nodes.prompts import build_messages
from tests.support.paths import REPO
from webenv.judges import OfflineJudge

SOLUTION = REPO / "tests/support/outfitters_solution.json"
INTENT = "Add Summit Hiking Boots to the cart and tell me the price"


async def test_every_call_is_recorded_and_rebuilt_from_the_final_state(outfitters, tmp_path) -> None:
    url, _shop = outfitters
    recorder = ModelCallRecorder(tmp_path / "calls.jsonl")
    context = Context(mode="plan_and_act", planner_model=f"reference:{SOLUTION}",
                      executor_model=f"reference:{SOLUTION}")
    state = await run_episode(INTENT, url, context, thread_id="rec-1", callbacks=[recorder])
    assert state["status"] == "done"
    calls = recorder.calls
    usage = {role: u["calls"] for role, u in state["usage"].items()}
    assert Counter(call.role for call in calls) == usage  # one record per call, none missed, none extra
    assert all(call.thread_id == "rec-1" and call.output and call.messages for call in calls)
    assert [c.to_json() for c in read_calls(tmp_path / "calls.jsonl")] == [c.to_json() for c in calls]

    by_key = {(call.role, call.step): call for call in calls if call.attempt == 0}
    moments = all_moments(state)  # type: ignore[arg-type]
    assert len(moments) == len(by_key)
    for moment in moments:
        step = moment.index + (1 if moment.role == "replanner" else 0)
        sent = by_key[(moment.role, step)].messages
        assert openai_messages(build_messages(moment.role, moment.state, context)) == sent  # type: ignore[arg-type]


async def test_a_two_task_sweep_records_every_call() -> None:
    import policies.providers  # noqa: F401
    from bench.sweep import sweep
    from harness.episode import PolicyChoice
    from webenv.tasks.suite import load_suite

    recorder = ModelCallRecorder()
    tasks = [t for t in load_suite() if t.group == "shopping"][:2]
    results = await sweep(tasks, PolicyChoice("oracle"), Context(), workers=2, judge=OfflineJudge(),
                          callbacks=[recorder], show_progress=False)
    assert all(r.passed for r in results)
    for result in results:
        calls = recorder.for_thread(result.thread_id)
        assert calls and all(call.task_id == str(result.task_id) for call in calls)
        assert Counter(call.role for call in calls) == {role: u["calls"] for role, u in result.usage.items()}
        assert sum(call.usage["input_tokens"] for call in calls) == sum(
            u["input_tokens"] for u in result.usage.values())
    assert len(recorder.calls) == sum(u["calls"] for r in results for u in r.usage.values())
