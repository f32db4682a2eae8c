"""On large pages: every visible interactive element is printed with an id (no budget), and a budget cuts whole
lines, counts real tokens, says what it cut, and lists only the ids it printed.

The pages are a generated 2,500-element page and reference pages of Debian's python3.11-doc (installed by
scripts/setup.sh): big static HTML with script-made controls (the docs' copy buttons and theme switcher) that
nobody here wrote."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext

from bench.big_page import big_page
from bench.observation_bench import PYTHON_DOCS, serve_directory
from bench.recall import census
from tools import page_hooks, tokens
from tools.observation import ObservationOptions, snapshot


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Iterator[dict[str, str]]:
    generated = tmp_path_factory.mktemp("generated")
    (generated / "big.html").write_text(big_page(2500), encoding="utf-8")
    assert (PYTHON_DOCS / "library" / "functions.html").is_file(), "scripts/setup.sh installs python3.11-doc"
    servers = [serve_directory(generated), serve_directory(PYTHON_DOCS)]
    yield {"big": f"{servers[0][1]}/big.html", "docs": servers[1][1]}
    for server, _url in servers:
        server.shutdown()


@pytest.fixture
async def hooked(context: BrowserContext) -> BrowserContext:
    await page_hooks.install(context)
    return context


@pytest.mark.parametrize("which", ["big", "docs:library/functions.html", "docs:library/stdtypes.html",
                                   "docs:tutorial/controlflow.html"])
async def test_every_visible_interactive_element_is_printed_with_an_id(sites, hooked, which) -> None:
    page = await hooked.new_page()
    url = sites["big"] if which == "big" else f"{sites['docs']}/{which.split(':', 1)[1]}"
    await page.goto(url)
    snap = await snapshot(page, ObservationOptions(token_budget=10**9))
    assert not snap.truncated
    result = await census(page, snap.ids)
    assert len(result.elements) > 100
    assert result.missed == [], f"{len(result.missed)} missed, e.g. {result.missed[:5]}"
    if which == "big":
        assert await page.evaluate("document.querySelectorAll('*').length") >= 2400
        for line in (r'\] clickable "\w+ tab 0"$', r'\] button "Subscribe"$', r'\] iframe "Help"$',
                     r'^\s+\[\d+\] button "Contact support"$'):
            assert re.search(line, snap.text, re.M), line
    await page.close()


async def test_a_budget_counts_real_tokens_says_what_it_cut_and_lists_only_printed_ids(sites, hooked) -> None:
    page = await hooked.new_page()
    await page.goto(sites["big"])
    full = await snapshot(page, ObservationOptions(token_budget=10**9))
    for budget in (300, 2000, 6000):
        cut = await snapshot(page, ObservationOptions(token_budget=budget))
        assert cut.truncated
        assert cut.tokens == tokens.count(cut.text) <= budget
        assert cut.tokens > budget * 0.9  # the budget is used, not wasted by a pessimistic estimate
        notice = cut.text.splitlines()[-1]
        assert re.match(rf"… \d+ more lines not shown \(observation budget {budget} tokens\); they include \d+ ", notice)
        printed = [int(i) for i in re.findall(r"^\s*\[(\d+)\]", cut.text, re.M)]
        assert cut.ids == printed
        assert cut.ids == full.ids[:len(cut.ids)]  # the same ids as without a budget, cut at the same place
    await page.close()
