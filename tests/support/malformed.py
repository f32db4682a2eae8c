"""Model output at its worst, for the parsers' property tests and the long malformed-output episode.

`FRAGMENTS` are the pieces real models (and adversarial pages quoted back by models) produce; hypothesis strings
them together, repeats them thousands of times, and mixes them with arbitrary text. `malformed_replies` makes a
deterministic stream of executor replies that must each be rejected with a reason: prose that mentions actions,
ids that are not numbers, not on the page or out of any range, unknown tools, tool calls whose arguments are not
JSON, deeply nested JSON, several kilobytes of braces.
"""

from __future__ import annotations

import random
import uuid

from hypothesis import strategies as st
from langchain_core.messages import AIMessage

FRAGMENTS = [
    "click", "Click", "type", "stop", "Stop", "scroll", "goto", "go_back", "select", "press", "tab_focus",
    "[", "]", "[12]", "[--5]", "[²]", "[١٢]", "[99999999999999999999]", "[down]", "[x", "x]", "[]",
    "{", "}", "{}", '{"name": "click", "arguments": ', '{"id": ', '"args": {', "null", "1e309", "[[[[", "]]]]",
    "```", "```json\n", "<think>", "</think>", "<plan>", "</plan>", "<reasoning>", "## Step 1", "## Step", "Step 2:",
    "Reasoning:", "Step:", "**Step:**", "## Notes", "Notes:", "- ", "* ", "1. ", "Action: ", "action:",
    "\n", "\n\n", "\r\n", "\t", "    ", " " * 200, "\u00a0", "\u200b", "\x00", "\ufffd", "é", "日本",
    "0", "-1", "3.5", "True", "false", "\\", '"', "'", "`",
]


@st.composite
def model_outputs(draw: st.DrawFn) -> str:
    """Text shaped like model output, including long repetitions of any fragment (the inputs that make
    backtracking parsers explode). Drawn mostly from `FRAGMENTS`: cheap to generate, so 10,000 take seconds."""
    pieces = draw(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=16))
    if draw(st.integers(0, 9)) == 0:  # one in ten: a fragment repeated into kilobytes (up to ~16 KB)
        fragment = draw(st.sampled_from(FRAGMENTS))
        most = max(2, 16_000 // len(fragment))
        pieces.insert(draw(st.integers(0, len(pieces))), fragment * draw(st.integers(min(100, most), most)))
    return "".join(pieces)


def _nested(depth: int) -> object:
    value: object = []
    for _ in range(depth):
        value = [value]
    return value


_VALUES = [None, True, False, 0, -1, 12, 2**31, 10**30, -(10**30), 1.5, float("nan"), float("inf"), "", "12",
           "first", "Enter", "down", "sideways", "http://127.0.0.1/", "{{secret:X}}", "x" * 5000, [], {}, [1, 2],
           {"id": 1}, {"nested": {"deeper": [None]}}]
json_values = st.sampled_from(_VALUES) | st.integers() | st.text(max_size=8) | st.integers(0, 5000).map(_nested)
tool_arguments = st.dictionaries(st.sampled_from(["id", "text", "press_enter", "option", "keys", "direction", "url",
                                                  "index", "answer", "seconds", "session", ""]) | st.text(max_size=4),
                                 json_values, max_size=4)


def _call(name: str, **args: object) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:8]}",
                                              "type": "tool_call"}])


def malformed_replies(count: int, seed: int = 7) -> list[AIMessage]:
    """`count` executor replies, each unusable for a different reason."""
    rng = random.Random(seed)
    makers = [
        lambda: AIMessage(content=rng.choice(["Stop and think: the cart is empty.", "Click [12] would be wrong.",
                                              "I would type [5] [boots] but not yet.", "Let me scroll around."])),
        lambda: AIMessage(content=f"click [{rng.choice(['--5', '²', '١٢', 'first', ''])}]"),
        lambda: _call("click", id=10 ** rng.randint(12, 40)),
        lambda: _call("click", id=rng.randint(100_000, 900_000)),  # a number, but not on the page
        lambda: _call("teleport", to="anywhere"),
        lambda: _call("type", id="the search box", text=1),
        lambda: AIMessage(content="", invalid_tool_calls=[{"name": "click", "args": "{id: 3", "id": "x",
                                                           "error": None, "type": "invalid_tool_call"}]),
        lambda: AIMessage(content="[" * rng.randint(1000, 50_000)),
        lambda: AIMessage(content="{}" * rng.randint(1000, 4000)),
        lambda: AIMessage(content="x" + "\n" * rng.randint(1000, 8000)),
        lambda: AIMessage(content="## Step 1" + " " * rng.randint(1000, 20_000) + "x"),
        lambda: AIMessage(content='{"name": "click", "arguments": ' + "[" * 5000 + "]" * 5000 + "}"),
    ]
    return [makers[index % len(makers)]() for index in range(count)]
