"""Every action tool on a real page in real Chromium; every failure comes back as a result, never raised."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from graph.context import Context
from nodes.browser_access import observe_page
from nodes.prompts import render_observation
from nodes.toolset import tools_by_name
from tools.actions import ERROR_PREFIX, TOOLS_BY_NAME, run_action
from tools.observation import ID_ATTRIBUTE, snapshot
from tools.session import BrowserSession, BrowserSettings, DomainPolicy, sessions


@pytest.fixture
async def shop(outfitters) -> AsyncIterator[tuple[BrowserSession, str]]:
    url, _state = outfitters
    session = await sessions.open("actions-test", BrowserSettings(navigation_timeout_ms=3000, action_timeout_ms=2000),
                                  DomainPolicy.for_start_urls([url]))
    await session.page.goto(url)
    yield session, url
    await sessions.close("actions-test")


async def element_id(session: BrowserSession, role: str, name: str) -> int:
    text = (await snapshot(session.page)).text
    match = re.search(rf'\[(\d+)\] {role} "{re.escape(name)}"', text)
    assert match, f"{role} {name!r} not in:\n{text}"
    return int(match.group(1))


async def act(session: BrowserSession, name: str, **args) -> str:
    result = await run_action(session, name, args)
    assert isinstance(result, str)
    return result


async def test_click_type_select_and_submit(shop) -> None:
    session, url = shop
    result = await act(session, "click", id=await element_id(session, "link", "Catalog"))
    assert result.endswith(f"the page is now {url}/catalog")
    await act(session, "type", id=await element_id(session, "textbox", "Search products"), text="summit")
    assert await session.page.input_value("#q") == "summit"
    result = await act(session, "select_option", id=await element_id(session, "combobox", "Category"), option="Boots")
    assert result.startswith("selected 'Boots'")
    assert await session.page.input_value("#category") == "Boots"
    result = await act(session, "type", id=await element_id(session, "textbox", "Search products"), text="summit",
                       press_enter=True)
    assert "pressed Enter" in result and "/results?q=summit&category=Boots" in session.page.url
    assert "1 products found" in await session.page.content() or "2 products found" in await session.page.content()


async def test_select_option_lists_the_real_options_when_wrong(shop) -> None:
    session, url = shop
    await session.page.goto(f"{url}/catalog")
    result = await act(session, "select_option", id=await element_id(session, "combobox", "Category"), option="Skis")
    assert result.startswith(ERROR_PREFIX) and "'Boots'" in result and "'Tents'" in result
    result = await act(session, "select_option", id=await element_id(session, "button", "Search"), option="Boots")
    assert result.startswith(ERROR_PREFIX) and "not a dropdown" in result


async def test_hover_press_and_scroll(shop) -> None:
    session, _url = shop
    await session.page.set_content("<button onmouseover=\"this.textContent='Hovered'\">Menu</button>"
                                   "<input id=f aria-label=Field><div style='height:4000px'></div>")
    assert (await act(session, "hover", id=await element_id(session, "button", "Menu"))).startswith("hovered")
    assert await session.page.inner_text("button") == "Hovered"
    await session.page.focus("#f")
    assert await act(session, "press", keys="a") == "pressed a"
    assert await session.page.input_value("#f") == "a"
    down = await act(session, "scroll", direction="down")
    assert re.fullmatch(r"scrolled down; showing 576-1296 px of \d+ px", down)
    assert (await act(session, "scroll", direction="up")).startswith("scrolled up; showing 0-720")
    assert (await act(session, "press", keys="NoSuchKey")).startswith(ERROR_PREFIX)


async def test_goto_back_forward(shop) -> None:
    session, url = shop
    assert await act(session, "goto", url=f"{url}/contact") == f"opened {url}/contact"
    assert await act(session, "go_back") == f"went back to {url}/"
    assert await act(session, "go_forward") == f"went forward to {url}/contact"
    assert (await act(session, "go_forward")).startswith(f"{ERROR_PREFIX} there is no next page")
    assert (await act(session, "goto", url=f"{url}/nope")).endswith("(HTTP 404)")


async def test_tabs(shop) -> None:
    session, url = shop
    await session.page.goto(f"{url}/tabs")
    result = await act(session, "click", id=await element_id(session, "link", "Open catalog in a new tab"))
    assert "a new tab opened (tab 1) and is now active" in result
    assert session.active_index == 1 and session.page.url == f"{url}/catalog"
    assert await act(session, "tab_focus", index=0) == f"switched to tab 0 ({url}/tabs)"
    assert (await act(session, "tab_focus", index=5)).startswith(f"{ERROR_PREFIX} there is no tab 5")
    assert await act(session, "new_tab") == "opened tab 2 (empty) and switched to it"
    assert await act(session, "close_tab") == f"closed the tab; now on tab 1 ({url}/catalog)"
    observation = await observe_page(session, Context())
    assert [t["active"] for t in observation["tabs"]] == [False, True]
    assert "Tab 1 (current)" in render_observation(observation)


async def test_domain_policy_applies_to_goto_and_to_clicked_links(shop) -> None:
    session, url = shop
    result = await act(session, "goto", url="http://example.invalid/")
    assert result.startswith(f"{ERROR_PREFIX} navigation to http://example.invalid/ blocked")
    await session.page.goto(f"{url}/tabs")
    for link in ("Partner site", "Mirror"):  # another host, and the same server under another host name
        result = await act(session, "click", id=await element_id(session, "link", link))
        assert "blocked: it is outside the allowed domains (127.0.0.1)" in result, result
        assert session.page.url == f"{url}/tabs"


async def test_failures_are_results_not_exceptions(shop) -> None:
    session, url = shop
    await session.page.goto(f"{url}/dead")
    unknown = await act(session, "click", id=99999)
    assert unknown.startswith(f"{ERROR_PREFIX} there is no element [99999]")
    # An id the model saw, on an element the page hid afterwards (only printed elements carry ids).
    await session.page.evaluate("document.querySelector('div[style]').style.display = 'block'")
    await snapshot(session.page)
    await session.page.evaluate("document.querySelector('div[style]').style.display = 'none'")
    hidden_id = int(await session.page.get_attribute("text=Secret admin", ID_ATTRIBUTE))  # type: ignore[arg-type]
    hidden = await act(session, "click", id=hidden_id)
    assert hidden.startswith(f"{ERROR_PREFIX} element [{hidden_id}] is hidden")
    slow = await act(session, "goto", url=f"{url}/slow")
    assert slow.startswith(f"{ERROR_PREFIX} goto timed out") and "3000" in slow
    bad = await act(session, "click", id="first")
    assert bad.startswith(f"{ERROR_PREFIX} bad arguments for click: id:")
    assert (await act(session, "fly", to="moon")).startswith(f"{ERROR_PREFIX} there is no tool named 'fly'")
    assert (await act(session, "type", id=1)).startswith(f"{ERROR_PREFIX} bad arguments for type: text: Field required")


async def test_secrets_are_typed_but_never_shown(shop, monkeypatch) -> None:
    session, url = shop
    monkeypatch.setenv("PLAN_AND_ACT_SECRET_PASSWORD", "hunter2-very-secret")
    await session.page.goto(f"{url}/login")
    field = await element_id(session, "textbox", "Username")
    refused = await act(session, "type", id=field, text="{{secret:PASSWORD}}")  # no domain allows it yet
    assert refused.startswith(f"{ERROR_PREFIX} the secret PASSWORD may not be typed here ({url}/login)")
    assert await session.page.input_value("#user") == ""
    origin = url.removeprefix("http://")
    session.settings = replace(session.settings, secret_domains=(("PASSWORD", (origin,)),))
    result = await act(session, "type", id=field, text="pw {{secret:PASSWORD}}")
    assert await session.page.input_value("#user") == "pw hunter2-very-secret"
    assert "hunter2" not in result
    assert "hunter2" in (await snapshot(session.page)).text  # the page shows it ...
    observation = await observe_page(session, Context())
    assert "hunter2" not in str(observation)  # ... but state (checkpointed, traced) never holds it
    assert 'value="pw {{secret:PASSWORD}}"' in render_observation(observation)
    missing = await act(session, "type", id=field, text="{{secret:NOPE}}")
    assert missing.startswith(f"{ERROR_PREFIX} no secret named 'NOPE'") and "PASSWORD" in missing
    await session.page.goto(f"{url}/contact")  # allowed domain, but a text area publishes what is typed
    published = await act(session, "type", id=await element_id(session, "textbox", "Message"),
                          text="{{secret:PASSWORD}}")
    assert published.startswith(ERROR_PREFIX) and "text area" in published
    await session.page.goto(f"{url}/catalog")  # a GET form would put it in the URL
    in_url = await act(session, "type", id=await element_id(session, "textbox", "Search products"),
                       text="{{secret:PASSWORD}}")
    assert in_url.startswith(ERROR_PREFIX) and "GET" in in_url and await session.page.input_value("#q") == ""


async def test_stop_and_community_read_tool(shop) -> None:
    session, url = shop
    assert await TOOLS_BY_NAME["stop"].ainvoke({"answer": "42"}) == "stopped with answer: 42"
    tools = tools_by_name(Context(read_tools=["extract_text"]), session)
    text = await run_action(session, "extract_text", {}, tools)
    assert "Gear for every trail." in text
