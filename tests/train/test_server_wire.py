"""The OpenAI wire format of `plan-and-act serve-model`, driven by the real `langchain-openai` client over HTTP.

The generation is scripted here (the server's `generate` replaced), so each answer shape — a tool call, several,
a malformed one, plain text, a stop string — is produced on purpose; tests/train/test_pipeline.py runs the same
server on a real trained model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from train.serve import Completion, Generated, ServedModel, create_app

TOOLS = [{"type": "function", "function": {"name": name, "description": f"{name} an element",
                                           "parameters": {"type": "object", "properties": {"id": {"type": "integer"}},
                                                          "required": ["id"]}}} for name in ("click", "hover")]
MESSAGES = [SystemMessage("You are the EXECUTOR."), HumanMessage("## Task\nOpen the orders page.")]


class ScriptedServedModel(ServedModel):
    """The real request handling, rendering, parsing and streaming; only the model's text is given."""

    answer = ""
    seen: list[Completion] = []

    def generate(self, request: Completion, on_text: Callable[[str], None] | None = None) -> Generated:
        self.seen.append(request)
        text, _, _ = self.answer.partition(request.stop[0]) if request.stop else (self.answer, "", "")
        if on_text is not None:
            for start in range(0, len(self.answer), 3):  # the stream sees the raw text, stop string included
                on_text(self.answer[start:start + 3])
        tokens = len(self.tokenizer(self.answer, add_special_tokens=False)["input_ids"]) + 1
        return Generated(text=text, completion_tokens=tokens, hit_length=False)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, ScriptedServedModel]]:
    from tests.support.tiny_model import qwen_chat_template, random_model, train_tokenizer
    from webenv.serving import serve_apps

    texts = [m.content for m in MESSAGES] * 10 + [json.dumps(TOOLS)] * 10
    tokenizer = train_tokenizer(texts, vocab_size=400, chat_template=qwen_chat_template())
    served = ScriptedServedModel(random_model(tokenizer), tokenizer, "tiny-test", max_new_tokens=64)
    group = serve_apps({"model": create_app(served)})
    yield group.urls["model"] + "/v1", served
    group.stop()


def _client(url: str, **options: Any) -> ChatOpenAI:
    return ChatOpenAI(model="any-name-at-all", base_url=url, api_key="unused", temperature=0, **options)


@pytest.mark.parametrize("stream", [False, True])
def test_a_tool_call_arrives_as_tool_calls_with_usage(server, stream: bool) -> None:
    url, served = server
    served.answer = 'Opening it.\n<tool_call>\n{"name": "click", "arguments": {"id": 12}}\n</tool_call>'
    model = _client(url, streaming=stream, stream_usage=True).bind_tools(TOOLS, parallel_tool_calls=False)
    message = model.invoke(MESSAGES)
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [("click", {"id": 12})]
    assert message.content == "Opening it." and "<tool_call>" not in message.content
    request = served.seen[-1]
    assert message.usage_metadata["input_tokens"] == len(request.prompt_ids)
    assert message.usage_metadata["output_tokens"] > 0
    assert '"name": "hover"' in request.prompt  # the tools were rendered by the model's chat template


@pytest.mark.parametrize("stream", [False, True])
def test_a_malformed_call_is_plain_text_never_an_error(server, stream: bool) -> None:
    url, served = server
    served.answer = '<tool_call>\n{"name": "click", "arguments": {"id": 1'
    message = _client(url, streaming=stream).bind_tools(TOOLS).invoke(MESSAGES)
    assert message.tool_calls == [] and message.content == served.answer


def test_several_calls_unless_parallel_calls_are_off(server) -> None:
    url, served = server
    served.answer = ('<tool_call>{"name": "hover", "arguments": {"id": 3}}</tool_call>\n'
                     '<tool_call>{"name": "click", "arguments": {"id": 3}}</tool_call>')
    both = _client(url).bind_tools(TOOLS).invoke(MESSAGES)
    assert [c["name"] for c in both.tool_calls] == ["hover", "click"]
    assert len({c["id"] for c in both.tool_calls}) == 2
    one = _client(url).bind_tools(TOOLS, parallel_tool_calls=False).invoke(MESSAGES)
    assert [c["name"] for c in one.tool_calls] == ["hover"]


def test_plain_text_stop_strings_and_no_tools(server) -> None:
    url, served = server
    served.answer = '## Step 1\nReasoning: r\nStep: s\nEND {"name": "click", "arguments": {}}'
    for stream in (False, True):
        message = _client(url, streaming=stream).invoke(MESSAGES, stop=["\nEND"])
        assert message.content == "## Step 1\nReasoning: r\nStep: s" and message.tool_calls == []
    assert served.seen[-1].tools is None and not served.seen[-1].parse_tools


def test_bad_requests_get_openai_errors_and_any_model_name_works(server) -> None:
    url, _served = server
    with httpx.Client(base_url=url, timeout=30) as http:
        assert http.get("/models").json()["data"][0]["id"] == "tiny-test"
        for body, field in (({"model": "m"}, "messages"), ({"messages": [{"content": "hi"}]}, "messages"),
                            ({"messages": [{"role": "user", "content": "hi"}], "n": 2}, "n"),
                            ({"messages": [{"role": "user", "content": "x"}], "tools": [{"name": "bad"}]}, "tools"),
                            ({"messages": [{"role": "user", "content": "x"}], "max_tokens": "many"}, None)):
            response = http.post("/chat/completions", json=body)
            assert response.status_code == 400 and response.json()["error"]["param"] == field
        response = http.post("/chat/completions", content=b"{not json", headers={"content-type": "application/json"})
        assert response.status_code == 400 and response.json()["error"]["type"] == "invalid_request_error"
