"""Tool calls read out of generated text: every common syntax, malformed text kept as text, no input that raises,
and streaming that never leaks half a tool call."""

from __future__ import annotations

import json
import random

import pytest

from train.toolcalls import MARKERS, StreamSplitter, parse_generation

pytestmark = pytest.mark.unit

CLICK = {"name": "click", "arguments": {"id": 12}}


@pytest.mark.parametrize("text, content, calls", [
    ('<tool_call>\n{"name": "click", "arguments": {"id": 12}}\n</tool_call>', "", [CLICK]),
    ('I will open it.\n<tool_call>\n{"name": "click", "arguments": {"id": 12}}\n</tool_call>', "I will open it.",
     [CLICK]),
    ('<tool_call>{"name": "click", "arguments": {"id": 12}}</tool_call>\n<tool_call>{"name": "go_back", '
     '"arguments": {}}</tool_call>', "", [CLICK, {"name": "go_back", "arguments": {}}]),
    ('[TOOL_CALLS][{"name": "click", "arguments": {"id": 12}}]', "", [CLICK]),
    ('<|python_tag|>{"name": "click", "parameters": {"id": 12}}', "", [CLICK]),
    ('{"name": "click", "parameters": {"id": 12}}', "", [CLICK]),
    ('```json\n{"name": "click", "arguments": "{\\"id\\": 12}"}\n```', "", [CLICK]),
    ('{"type": "function", "function": {"name": "click", "arguments": {"id": 12}}}', "", [CLICK]),
    ("## Step 1\nReasoning: the page lists orders.\nStep: Open My Orders.", None, []),
    ('{"answer": 42}', None, []),  # JSON, but not a call
])
def test_each_syntax_gives_the_same_call(text: str, content: str | None, calls: list) -> None:
    parsed = parse_generation(text)
    assert parsed.tool_calls == calls and not parsed.malformed
    assert parsed.content == (text if content is None else content)


@pytest.mark.parametrize("text, reason", [
    ('<tool_call>\n{"name": "click", "arguments": {"id": 1', "JSONDecodeError"),
    ('<tool_call>{"arguments": {"id": 1}}</tool_call>', "has no name"),
    ('<tool_call>{"name": "click", "arguments": [1, 2]}</tool_call>', "not a JSON object"),
    ('<tool_call>{"name": "click", "arguments": "id=1"}</tool_call>', "JSONDecodeError"),
    ("[TOOL_CALLS][]", "empty list"),
    ("<tool_call>" + "[" * 100_000, "RecursionError"),
])
def test_a_malformed_call_comes_back_as_the_whole_text(text: str, reason: str) -> None:
    parsed = parse_generation(text)
    assert parsed.tool_calls == [] and parsed.content == text and reason in parsed.malformed


def test_no_input_raises() -> None:
    """Every cut of valid calls in each syntax, and random text full of markers and brackets."""
    rng = random.Random(0)
    valid = ['<tool_call>\n{"name": "type", "arguments": {"id": 5, "text": "a \\"b\\"", "press_enter": true}}\n'
             '</tool_call>', '[TOOL_CALLS][{"name": "stop", "arguments": {"answer": "N/A"}}]',
             '<|python_tag|>{"name": "scroll", "parameters": {"direction": "down"}}']
    texts = [text[:cut] for text in valid for cut in range(len(text) + 1)]
    alphabet = ['{', '}', '[', ']', '"', ':', ',', 'name', 'arguments', '\\', '\n', ' ', 'x', '1', *MARKERS]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(2000)]
    for text in texts:
        parsed = parse_generation(text)
        assert parsed.tool_calls or parsed.content == text
        for call in parsed.tool_calls:
            assert isinstance(call["name"], str) and isinstance(call["arguments"], dict)


@pytest.mark.parametrize("text", [
    'Opening the orders page.\n<tool_call>\n{"name": "click", "arguments": {"id": 12}}\n</tool_call>',
    '<tool_call>\n{"name": "click", "arguments": {"id": 12}}\n</tool_call>',
    '  {"name": "click", "parameters": {"id": 12}}',
    "## Step 1\nReasoning: a < b and [x] are fine here.\nStep: Open <My Orders>.",
    '<tool_call>\n{"name": "click", "argum',
])
def test_streaming_gives_what_a_whole_parse_gives_and_never_half_a_call(text: str) -> None:
    whole = parse_generation(text)
    rng = random.Random(len(text))
    for _ in range(30):
        cuts = sorted(rng.sample(range(1, len(text)), k=min(6, len(text) - 1)))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
        splitter = StreamSplitter()
        streamed = "".join(splitter.feed(piece) for piece in pieces)
        rest, parsed = splitter.finish()
        assert parsed.tool_calls == whole.tool_calls
        if whole.tool_calls:
            assert not any(marker[:2] in streamed for marker in ("<tool", "[TOOL", "<|py")), streamed
            assert (streamed + rest).strip() == whole.content
        else:
            assert streamed + rest == text


def test_stop_strings_end_the_stream_and_are_never_sent() -> None:
    splitter = StreamSplitter(markers_wanted=False, stops=["\n## Notes"])
    sent = "".join(splitter.feed(piece) for piece in ["## Step 1\nStep: go", "\n## No", "tes\n- x", " more"])
    rest, parsed = splitter.finish()
    assert sent + rest == "## Step 1\nStep: go" and parsed.content == "## Step 1\nStep: go"


def test_arguments_keep_their_types_for_the_wire() -> None:
    from train.toolcalls import openai_tool_calls

    parsed = parse_generation('<tool_call>{"name": "type", "arguments": {"id": 5, "text": "é", '
                              '"press_enter": false}}</tool_call>')
    wire = openai_tool_calls(parsed.tool_calls, ["call_1"])
    assert wire == [{"id": "call_1", "type": "function",
                     "function": {"name": "type", "arguments": '{"id": 5, "text": "é", "press_enter": false}'}}]
    assert json.loads(wire[0]["function"]["arguments"]) == {"id": 5, "text": "é", "press_enter": False}
