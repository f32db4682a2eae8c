"""Which tools an episode offers: WebArena's actions, plus optional read-only tools from langchain-community.

The community toolkit (`PlayWrightBrowserToolkit.from_browser`) is built on the episode's own Chromium, whose only
context is the episode's, so `extract_text`/`extract_hyperlinks` read the agent's page. Its `click_element` is
not used: it breaks on current Playwright (`>> visible=1`), and ids need our own click anyway.
"""

from __future__ import annotations

from langchain_core.tools import BaseTool

from graph.context import Context
from tools.actions import ACTION_TOOLS
from tools.session import BrowserSession

_READ_TOOL_CLASSES = {
    "extract_text": "ExtractTextTool",
    "extract_hyperlinks": "ExtractHyperlinksTool",
}


def _read_tools(ctx: Context, session: BrowserSession | None) -> list[BaseTool]:
    if not ctx.read_tools:
        return []
    from langchain_community.tools import playwright as community

    tools: list[BaseTool] = []
    for name in ctx.read_tools:
        cls = getattr(community, _READ_TOOL_CLASSES[name])
        if session is None:  # only the schema is needed (to bind to the executor model)
            tools.append(cls.model_construct(async_browser=None, sync_browser=None))
        else:
            tools.append(cls.from_browser(async_browser=session.browser))
    return tools


def executor_tools(ctx: Context) -> list[BaseTool]:
    """The tool schemas the executor model is bound to."""
    return [*ACTION_TOOLS, *_read_tools(ctx, None)]


def tools_by_name(ctx: Context, session: BrowserSession | None = None) -> dict[str, BaseTool]:
    """Tools by name; with a session, read tools are bound to its browser and can run."""
    return {tool.name: tool for tool in (*ACTION_TOOLS, *_read_tools(ctx, session))}
