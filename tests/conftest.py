"""Shared fixtures: one real Chromium per test session, a fresh browser context per test.

Tests never download a browser: `tools.chromium` finds Debian's Chromium. Tracing is forced off unless a test
turns it on against a loopback recorder, so no test ever waits on the network.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from tools.chromium import launch_chromium

for _var in ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING"):
    os.environ.pop(_var, None)
os.environ.setdefault("LANGGRAPH_CLI_NO_ANALYTICS", "1")
os.environ.setdefault("LANGGRAPH_NO_VERSION_CHECK", "true")


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    chromium = await launch_chromium(playwright)
    yield chromium
    await chromium.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
    yield ctx
    await ctx.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


@pytest.fixture
def outfitters():
    """The agent-test shop on a free loopback port: yields (base URL, its in-memory state)."""
    from tests.support.outfitters import ShopState, create_app
    from webenv.serving import serve_apps

    state = ShopState()
    group = serve_apps({"shop": create_app(state)})
    yield group.urls["shop"], state
    state.results_gate.opened.set()
    state.slow_release.set()
    group.stop()


class UnitTierViolation(AssertionError):
    """A test marked `unit` tried to reach a server or start a process."""


@pytest.fixture(autouse=True)
def _unit_tests_touch_no_server_and_no_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """The fast tier's promise ("no browser, no server") is enforced, not assumed: in a `unit` test, opening a
    network connection or starting a subprocess fails the test."""
    if request.node.get_closest_marker("unit") is None:
        yield
        return
    import socket
    import subprocess

    def refuse(*_args, **_kwargs):
        raise UnitTierViolation(f"{request.node.nodeid} is marked unit but opened a connection or a process")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    yield


@pytest.fixture(autouse=True)
async def _close_browser_sessions():
    """Episodes close their browser when they end; this catches the ones a failing test left open."""
    yield
    from tools.session import sessions

    await sessions.close_all(stop_driver=False)


@pytest.fixture
def loopback_openai():
    """An OpenAI-compatible server on 127.0.0.1 answering with the reference policy of the test shop's task:
    yields (base URL ending in /v1, the log of what it served)."""
    import json

    from policies.reference import ReferencePolicy
    from tests.support import openai_server
    from tests.support.paths import REPO
    from webenv.serving import serve_apps
    from webenv.tasks.solution import parse_solution

    solution = parse_solution(json.loads((REPO / "tests/support/outfitters_solution.json").read_text()), "shop")
    log = openai_server.CompletionLog()
    group = serve_apps({"openai": openai_server.create_app(ReferencePolicy(solution=solution).invoke, log)})
    yield group.urls["openai"] + "/v1", log
    group.stop()
