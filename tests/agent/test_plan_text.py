"""The plan parser: the paper's format, and what models actually write instead."""

from __future__ import annotations

import pytest

from nodes.plan_text import parse_plan, render_plan

pytestmark = pytest.mark.unit  # no browser, no server

CANONICAL = """## Step 1
Reasoning: The home page has a search box.
Step: Search for 'duffle'.

## Step 2
Reasoning: The results list products.
Step: Open the first result.

## Notes
- Duffle costs $45.00
- it has 3 reviews"""


def test_canonical_plan_round_trips() -> None:
    parsed = parse_plan(CANONICAL)
    assert parsed.problems == []
    assert [s["instruction"] for s in parsed.steps] == ["Search for 'duffle'.", "Open the first result."]
    assert parsed.steps[0]["reasoning"] == "The home page has a search box."
    assert parsed.notes == ["Duffle costs $45.00", "it has 3 reviews"]
    again = parse_plan(render_plan(parsed.steps, parsed.notes))
    assert again.steps == parsed.steps and again.notes == parsed.notes


def test_chatty_preamble_and_trailer_are_ignored() -> None:
    text = ("Sure! Here is a plan that should work:\n\n" + CANONICAL.split("## Notes")[0]
            + "\n\nLet me know if you would like me to adjust anything!")
    parsed = parse_plan(text)
    assert [s["instruction"] for s in parsed.steps] == ["Search for 'duffle'.", "Open the first result."]


def test_reasoning_blocks_fences_and_bold_labels() -> None:
    text = ("<thinking>The user wants the cheapest duffle; searching is fastest.</thinking>\n```markdown\n"
            "### Step 1:\n**Reasoning:** search first\n**Step:** Search for duffle\n```")
    parsed = parse_plan(text)
    assert parsed.steps == [{"reasoning": "search first", "instruction": "Search for duffle"}]


def test_plan_inside_plan_markers_wins_over_surrounding_text() -> None:
    text = "I considered ## Step 9 stuff.\n<plan>\n## Step 1\nReasoning: r\nStep: do it\n</plan>\nBye."
    assert [s["instruction"] for s in parse_plan(text).steps] == ["do it"]


@pytest.mark.parametrize("heading", ["Step 1:", "**Step 1**", "## Step 1 -", "STEP 1."])
def test_heading_variants(heading: str) -> None:
    parsed = parse_plan(f"{heading}\nReasoning: because\nStep: Click Orders")
    assert parsed.steps == [{"reasoning": "because", "instruction": "Click Orders"}]


def test_title_on_heading_line_is_the_instruction_when_no_step_label() -> None:
    parsed = parse_plan("## Step 1: Open the cart\n## Step 2: Check out")
    assert [s["instruction"] for s in parsed.steps] == ["Open the cart", "Check out"]


def test_numbered_list_fallback_reports_the_guess() -> None:
    parsed = parse_plan("1. Click Orders\n2) Sort by date\n3. Report the newest order")
    assert [s["instruction"] for s in parsed.steps] == ["Click Orders", "Sort by date", "Report the newest order"]
    assert any("numbered list" in p for p in parsed.problems)


def test_partial_plan_keeps_usable_steps_and_says_what_was_guessed() -> None:
    parsed = parse_plan("## Step 1\nReasoning: look at the page\nStep: Open Orders\n\n## Step 2\nReasoning: only")
    assert [s["instruction"] for s in parsed.steps] == ["Open Orders", "only"]
    assert parsed.problems == ["step 2 had only reasoning; used it as the instruction"]


def test_multiline_step_is_joined_until_a_blank_line() -> None:
    parsed = parse_plan("## Step 1\nReasoning: r\nStep: Type 'boots' in the search box\nand press Enter.\n\nThanks!")
    assert parsed.steps[0]["instruction"] == "Type 'boots' in the search box and press Enter."


@pytest.mark.parametrize("text", ["", "I cannot help with that.", "## Step 1\n\n## Step 2\n"])
def test_no_usable_steps_is_reported_not_raised(text: str) -> None:
    parsed = parse_plan(text)
    assert parsed.steps == []
    assert parsed.problems


def test_notes_section_anywhere_and_in_different_spellings() -> None:
    text = "Notes:\n* order 170 total $45\n* placed Jan 5\n## Step 1\nReasoning: r\nStep: Stop with $45"
    parsed = parse_plan(text)
    assert parsed.notes == ["order 170 total $45", "placed Jan 5"]
    assert parsed.steps[0]["instruction"] == "Stop with $45"
