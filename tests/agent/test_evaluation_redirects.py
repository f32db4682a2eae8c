"""The evaluator opens its page targets in the agent's browser context, where the network guard answers every
redirect itself (a 204, then the tab sent on to the checked target). A target URL that redirects — WebArena's
`__SHOPPING__/checkout/cart` is answered by `/checkout/cart/` — must still be read where it lands, not failed
as ERR_ABORTED."""

from __future__ import annotations

from urllib.parse import urlsplit

from tools.session import BrowserSettings, DomainPolicy, sessions
from webenv.evaluators import EvalContext, Outcome, build_evaluator
from webenv.tasks.config import parse_task


def _page_check(target: str, must_include: str):
    return build_evaluator(parse_task({
        "sites": ["shopping"], "start_url": "__SHOPPING__", "intent": "x",
        "eval": {"eval_types": ["program_html"], "program_html": [
            {"url": target, "locator": "document.querySelector('form').outerText",
             "required_contents": {"must_include": [must_include]}}]},
    }))


async def test_a_page_target_that_redirects_is_read_where_it_lands(outfitters) -> None:
    url, _ = outfitters
    session = await sessions.open("evaluation-redirect", BrowserSettings(),
                                  DomainPolicy((urlsplit(url).netloc,)))
    await session.load(session.page, f"{url}/")
    ctx = EvalContext(placeholders={"__SHOPPING__": url}, navigation_timeout_ms=10_000)
    # Starlette answers /catalog/ with a 307 to /catalog, whose form says "Search products".
    landed = await _page_check("__SHOPPING__/catalog/", "Search products").evaluate(
        Outcome("", session.page.url), session.page, ctx)
    assert landed.score == 1.0, landed.report()
    absent = await _page_check("__SHOPPING__/catalog/", "Checkout").evaluate(
        Outcome("", session.page.url), session.page, ctx)
    assert absent.score == 0.0 and "not found" in absent.checks[0].reason, absent.report()
    assert session.page.url == f"{url}/"  # the agent's own tab is untouched
