"""Actions written as text (WebArena style or JSON) by models that do not call tools."""

from __future__ import annotations

import pytest

from nodes.action_text import parse_action_text

pytestmark = pytest.mark.unit  # no browser, no server


@pytest.mark.parametrize(("text", "expected"), [
    ("click [12]", {"name": "click", "args": {"id": 12}}),
    ("Let me open it.\n```click [7]```", {"name": "click", "args": {"id": 7}}),
    ("type [5] [hiking boots] [0]", {"name": "type", "args": {"id": 5, "text": "hiking boots", "press_enter": False}}),
    ("type [5] [boots]", {"name": "type", "args": {"id": 5, "text": "boots", "press_enter": True}}),
    ("select_option [3] [Boots]", {"name": "select_option", "args": {"id": 3, "option": "Boots"}}),
    ("scroll [down]", {"name": "scroll", "args": {"direction": "down"}}),
    ("press [Control+a]", {"name": "press", "args": {"keys": "Control+a"}}),
    ("goto [http://127.0.0.1:9/x]", {"name": "goto", "args": {"url": "http://127.0.0.1:9/x"}}),
    ("go_back", {"name": "go_back", "args": {}}),
    ("tab_focus [1]", {"name": "tab_focus", "args": {"index": 1}}),
    ("stop [$45.00]", {"name": "stop", "args": {"answer": "$45.00"}}),
    ('{"name": "click", "arguments": {"id": 4}}', {"name": "click", "args": {"id": 4}}),
    ('I will call {"name": "type", "arguments": "{\\"id\\": 2, \\"text\\": \\"x\\"}"}',
     {"name": "type", "args": {"id": 2, "text": "x"}}),
])
def test_recognised_actions(text: str, expected: dict) -> None:
    assert parse_action_text(text) == expected


def test_last_action_written_wins() -> None:
    assert parse_action_text("First I might click [3].\nAction: click [9]") == {"name": "click", "args": {"id": 9}}


@pytest.mark.parametrize("text", ["", "I think the page shows products.", "click the button", "type [5]"])
def test_no_action(text: str) -> None:
    assert parse_action_text(text) is None
