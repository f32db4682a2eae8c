"""Models per role from init_chat_model strings; the real langchain-openai client over real HTTP."""

from __future__ import annotations

import pytest

from graph.context import Context
from graph.models import ModelConfigError, load_chat_model, model_for_role
from tests.agent.graph_helpers import run_graph


async def test_langchain_openai_over_http_drives_the_whole_episode(outfitters, loopback_openai, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # a local server needs no key
    url, shop = outfitters
    base_url, log = loopback_openai
    context = Context(mode="plan_and_act", planner_model="openai:loopback-planner",
                      executor_model="openai:loopback-executor", base_url=base_url)
    assert type(model_for_role(context, "executor")).__name__ == "ChatOpenAI"
    state, _route = await run_graph(context, "Add Summit Hiking Boots to the cart and tell me the price", url)
    assert state["status"] == "done" and state["answer"] == "$129.00" and shop.cart == ["summit-boots"]
    # Token counts per role in the state are exactly what the server reported in `usage`.
    assert state["usage"] == log.usage_by_role()
    assert state["usage"]["executor"]["calls"] == 7 and state["usage"]["replanner"]["calls"] == 6
    executor_requests = [s for s in log.served if s.role == "executor"]
    assert {s.model for s in executor_requests} == {"loopback-executor"}
    assert executor_requests[0].tool_names[:3] == ["click", "type", "hover"]
    assert all(not s.tool_names for s in log.served if s.role != "executor")
    assert {s.model for s in log.served if s.role == "replanner"} == {"loopback-planner"}  # defaults to planner


@pytest.mark.unit
def test_per_role_models_and_base_urls() -> None:
    context = Context(planner_model="openai:big", executor_model="openai:small", replanner_model="openai:mid",
                      base_url="http://127.0.0.1:1/v1", executor_base_url="http://127.0.0.1:2/v1")
    assert context.model_for("planner") == ("openai:big", "http://127.0.0.1:1/v1")
    assert context.model_for("executor") == ("openai:small", "http://127.0.0.1:2/v1")
    assert context.model_for("replanner") == ("openai:mid", "http://127.0.0.1:1/v1")
    executor = model_for_role(context, "executor")
    assert executor.model_name == "small" and executor.openai_api_base == "http://127.0.0.1:2/v1"
    assert model_for_role(context, "executor") is executor  # clients are reused across steps


@pytest.mark.unit
def test_missing_key_unknown_provider_and_missing_package_are_clear(monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ModelConfigError, match=r"the planner model 'openai:gpt-4o' needs an API key: set "
                                                r"OPENAI_API_KEY"):
        load_chat_model("openai:gpt-4o", role="planner")
    with pytest.raises(ModelConfigError, match=r"cannot build the executor model 'nosuch:thing'"):
        load_chat_model("nosuch:thing")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "x")
    with pytest.raises(ModelConfigError, match=r"needs a package that is not installed.*langchain-anthropic"):
        load_chat_model("anthropic:claude-sonnet")
    with pytest.raises(ModelConfigError, match=r"no executor model given"):
        load_chat_model(" ")
    with pytest.raises(ModelConfigError, match=r"no scripted model named 'ghost'"):
        load_chat_model("scripted:ghost")
    with pytest.raises(ModelConfigError, match=r"reference solution file not found"):
        load_chat_model("reference:/nonexistent.json")
