"""The prompt builder is pure and pinned: golden files hold the exact planner, executor and replanner messages
for a recorded episode state, and the read-back helpers recover what the builders wrote.

To accept an intended prompt change, run with UPDATE_GOLDEN=1 and review the diff of tests/agent/golden/.
The executor and replanner goldens show the cache-friendly layout (issue 12, point 6): the log of pages and
actions ends with the current page, and everything rewritten every call (plan, progress, feedback) follows it;
tests/bench/test_prompt_cache.py checks that each call extends the last and how pages fold at block boundaries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from langchain_core.messages import BaseMessage

from graph.context import Context
from graph.moments import executor_moment, planner_moment, replanner_moments
from nodes import prompts

pytestmark = pytest.mark.unit

GOLDEN = Path(__file__).parent / "golden"
STATE = json.loads((GOLDEN / "episode_state.json").read_text())


def _text(messages: list[BaseMessage]) -> str:
    return "\n\n".join(f"=== {m.type}\n{m.content}" for m in messages)


def _moments():
    replans = replanner_moments(STATE)
    return {
        "planner": planner_moment(STATE),
        "executor": executor_moment(STATE, 3),  # a step with feedback, notes and history
        "replanner": replans[2],
    }


@pytest.mark.parametrize("cot", [False, True], ids=["plain", "cot"])
@pytest.mark.parametrize("role", ["planner", "executor", "replanner"])
def test_prompts_match_the_golden_files(role: str, cot: bool) -> None:
    moment = _moments()[role]
    assert moment is not None
    text = _text(prompts.build_messages(role, moment.state, Context(cot=cot)))  # type: ignore[arg-type]
    path = GOLDEN / f"{role}{'-cot' if cot else ''}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_every_mode_builds_a_distinct_executor_prompt() -> None:
    moment = _moments()["executor"]
    texts = {mode: _text(prompts.build_messages("executor", moment.state, Context(mode=mode)))
             for mode in ("react", "plan", "plan_and_act")}
    assert len(set(texts.values())) == 3
    assert "## Current step" in texts["plan_and_act"] and "## Plan\n1." in texts["plan"]
    assert "## Notes" not in texts["react"] and "## Current step" not in texts["react"]


def test_builders_read_nothing_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = _moments()["executor"]
    before = _text(prompts.build_messages("executor", moment.state, Context()))
    monkeypatch.setenv("PLAN_AND_ACT_SECRET_OTHER", "value-that-must-not-matter")
    assert _text(prompts.build_messages("executor", moment.state, Context())) == before
    assert "{{secret:SHOP_PASSWORD}}" in before and "OTHER" not in before  # names travel in state


def test_read_back_contract_round_trips() -> None:
    """Policies that see only the prompt text read the page and the progress back; these are the two things
    they may read, and this is the contract that keeps builder and reader in agreement."""
    for moment in (_moments()["executor"], _moments()["replanner"]):
        messages = prompts.build_messages(moment.role, moment.state, Context())  # type: ignore[arg-type]
        observation = moment.state["observation"]
        assert prompts.read_page(messages) == prompts.page_content(observation)
        history = moment.state["history"]
        assert prompts.read_progress(messages) == (len(history), sum(1 for s in history if s["ok"]))
        facts = prompts.read_facts(messages)
        assert facts == prompts.prompt_facts(moment.role, moment.state)  # type: ignore[arg-type]
    planner = prompts.build_messages("planner", _moments()["planner"].state, Context())  # type: ignore[union-attr]
    assert prompts.read_facts(planner)["role"] == "planner"


def test_structured_facts_win_over_the_text() -> None:
    moment = _moments()["executor"]
    messages = prompts.build_messages("executor", moment.state, Context())
    facts = {"role": "replanner", "actions_taken": 9, "actions_succeeded": 8}
    assert prompts.read_facts(messages, {prompts.FACTS_KEY: facts}) == facts
