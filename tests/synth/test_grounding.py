"""The grounded-plan validator: the paper's constraints on index groups, stated back in words a teacher can fix."""

from __future__ import annotations

import pytest

from nodes.plan_text import parse_plan
from synth.grounding import GroundingError, parse_grounded, remaining, render_grounded
from tests.synth.helpers import grounded

pytestmark = pytest.mark.unit


def test_a_valid_plan_parses_and_round_trips() -> None:
    plan = parse_grounded(grounded([[0, 1, 2], [3, 4]], notes=("price is $3",)), 0, 5)
    assert [s.actions for s in plan.steps] == [(0, 1, 2), (3, 4)]
    assert plan.notes == ("price is $3",)
    assert parse_grounded(render_grounded(plan), 0, 5) == plan
    again = parse_plan(plan.text)  # the runtime's parser reads the plan without indices
    assert [s["instruction"] for s in again.steps] == ["do thing 1", "do thing 2"] and not again.problems


@pytest.mark.parametrize("text", [
    "<plan>\n## Step 1\nReasoning: r\nStep: s\nActions: [0-2]\n\n## Step 2\nReasoning: r\nStep: s\nActions: 3..4\n</plan>",
    "Sure!\n<plan>\n**Step 1:**\n**Reasoning:** r\n**Step:** s\n- **Actions:** 0, 1, 2\n## Step 2\nReasoning: r\n"
    "Step: s\nActions: (3, 4)\n</plan>\nHope this helps.",
    "<plan>\n```\n## Step 1\nActions: 0,1,2\nReasoning: r\nStep: s\n## Step 2\nReasoning: r\nStep: s\nAction: 3, 4\n```\n</plan>",
])
def test_formats_models_write_are_accepted(text: str) -> None:
    assert [s.actions for s in parse_grounded(text, 0, 5).steps] == [(0, 1, 2), (3, 4)]


@pytest.mark.parametrize(("groups", "first", "end", "code", "words"), [
    ([[0, 3, 4], [1, 2]], 0, 5, "bad_grounding", "not contiguous"),
    ([[0, 1], [1, 2, 3, 4]], 0, 5, "bad_grounding", "overlapping"),
    ([[0, 1], [3, 4]], 0, 5, "bad_grounding", "belongs to no step"),
    ([[0, 1], [2, 3]], 0, 5, "bad_grounding", "run to 4"),
    ([[1, 2], [3, 4]], 0, 5, "bad_grounding", "action 0 belongs to no step"),
    ([[0, 1], [2, 3, 4, 5]], 0, 5, "bad_grounding", "cover are 0..4"),
    ([[2, 1, 0], [3, 4]], 0, 5, "bad_grounding", "ascending"),
    ([[0, 0, 1], [2, 3, 4]], 0, 5, "bad_grounding", "ascending"),
    ([[0], [1], [2]], 0, 2, "too_many_steps", "at most 2"),
    ([[3], [4, 5]], 2, 6, "bad_grounding", "action 2 belongs to no step"),
])
def test_index_group_violations_are_named(groups, first, end, code, words) -> None:
    with pytest.raises(GroundingError, match=words) as caught:
        parse_grounded(grounded(groups), first, end)
    assert caught.value.code == code


@pytest.mark.parametrize(("text", "code"), [
    (grounded([[0, 1]], markers=False), "missing_markers"),
    ("I'm sorry, but I can't help with reconstructing that plan.", "refused"),
    ("<plan>\nJust click around.\n</plan>", "no_steps"),
    ("<plan>\n## Step 1\nReasoning: r\nStep: s\nActions: 0\n## Step 3\nReasoning: r\nStep: s\nActions: 1\n</plan>",
     "bad_numbering"),
    ("<plan>\n## Step 1\nReasoning: r\nStep: s\n## Step 2\nReasoning: r\nStep: s\nActions: 0, 1\n</plan>",
     "bad_grounding"),
    ("<plan>\n## Step 1\nReasoning: r\nStep: s\nActions: first two\n</plan>", "bad_grounding"),
    ("<plan>\n## Step 1\nStep: s\nActions: 0, 1\n</plan>", "empty_field"),
    ("<plan>\n## Step 1\nReasoning: r\nStep: s\nActions: 0-99999999999999999\n</plan>", "bad_grounding"),
    ("<plan>\nActions: 0\n## Step 1\nReasoning: r\nStep: s\nActions: 0, 1\n</plan>", "bad_grounding"),
])
def test_malformed_replies_are_refused_with_a_code(text: str, code: str) -> None:
    with pytest.raises(GroundingError) as caught:
        parse_grounded(text, 0, 2)
    assert caught.value.code == code


def test_remaining_keeps_the_step_in_progress_from_the_next_action() -> None:
    plan = parse_grounded(grounded([[0, 1, 2], [3, 4]]), 0, 5)
    assert [s.actions for s in remaining(plan, 2).steps] == [(2,), (3, 4)]
    assert [s.actions for s in remaining(plan, 3).steps] == [(3, 4)]


def test_no_input_crashes_or_hangs_the_validator() -> None:
    import random

    rng = random.Random(7)
    alphabet = ["## Step ", "Actions:", "Reasoning:", "Step:", "<plan>", "</plan>", "1", "2", ",", "-", "\n", " ", "[",
                "]", "**", "0", "x", "…", "\x00", "9999999999999"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        try:
            parse_grounded(text, 0, 3)
        except GroundingError:
            pass
