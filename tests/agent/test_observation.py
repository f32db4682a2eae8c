"""The observation: WebArena-style lines from Chrome's accessibility tree, with ids that survive page changes."""

from __future__ import annotations

import re

from playwright.async_api import Page

from tools.observation import ID_ATTRIBUTE, ObservationOptions, snapshot

PAGE = """<!doctype html><html><head><title>Shop</title></head><body>
<nav><a href="/home">Home</a> <a href="https://elsewhere.test/x">Partner</a></nav>
<h1>Results</h1>
<form><label for="q">Search</label><input id="q" value="duffle"> <button type="button">Add to cart</button>
<select aria-label="Sort by"><option>Price</option><option selected>Name</option></select>
<input type="checkbox" id="c" checked><label for="c">In stock</label></form>
<div style="display:none"><button>Hidden admin</button></div>
<p>Some <b>bold</b> text here.</p>
<ul id="list"><li><button type="button">Alpha</button></li><li><button type="button">Beta</button></li></ul>
<div style="height:3000px"></div><button type="button">Far below</button>
</body></html>"""


def ids_by_name(text: str) -> dict[str, int]:
    return {m.group(3): int(m.group(1)) for m in re.finditer(r'\[(\d+)\] (\S+) "([^"]*)"', text)}


async def test_webarena_style_lines(page: Page) -> None:
    await page.set_content(PAGE)
    snap = await snapshot(page)
    lines = snap.text.splitlines()
    assert re.fullmatch(r'\[\d+\] button "Add to cart"', lines[lines.index(next(
        line for line in lines if "Add to cart" in line))].strip())
    assert re.search(r'\[\d+\] textbox "Search" value="duffle"', snap.text)
    assert re.search(r'\[\d+\] checkbox "In stock" checked', snap.text)
    assert re.search(r'\[\d+\] combobox "Sort by" value="Name"\n\s+\[\d+\] option "Price"\n\s+\[\d+\] option "Name" selected',
                     snap.text)
    assert re.search(r'\[\d+\] link "Partner" url=https://elsewhere.test/x', snap.text)
    assert 'StaticText "Some bold text here."' in snap.text
    assert "Hidden admin" not in snap.text  # invisible nodes are pruned
    assert 'StaticText "Results"' not in snap.text  # text that only repeats its heading's name is dropped
    assert set(snap.ids) == set(ids_by_name(snap.text).values()) | {
        int(m) for m in re.findall(r"\[(\d+)\] (?:row|option)", snap.text)}


async def test_unchanged_elements_keep_their_ids_when_the_page_changes(page: Page) -> None:
    await page.set_content(PAGE)
    before = ids_by_name((await snapshot(page)).text)
    await page.evaluate("""() => {
        const list = document.getElementById('list');
        const fresh = document.createElement('li');
        fresh.innerHTML = '<button type="button">Gamma</button>';
        list.insertBefore(fresh, list.firstChild);                    // a new element *before* the old ones
        document.querySelector('h1').textContent = 'Results (3)';     // and a changed one
    }""")
    after_snap = await snapshot(page)
    after = ids_by_name(after_snap.text)
    for name in ("Alpha", "Beta", "Add to cart", "Search", "In stock", "Home"):
        assert after[name] == before[name], name
    assert after["Gamma"] > max(before.values())  # new elements get new ids, never a reused one
    assert after["Results (3)"] == before["Results"]  # same element, new text, same id
    assert await page.get_attribute(f'[{ID_ATTRIBUTE}="{after["Alpha"]}"]', "type") == "button"


async def test_viewport_only_shows_what_is_on_screen(page: Page) -> None:
    await page.set_content(PAGE)
    full = await snapshot(page)
    on_screen = await snapshot(page, ObservationOptions(viewport_only=True))
    assert "Far below" in full.text and "Far below" not in on_screen.text
    assert "Add to cart" in on_screen.text
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    scrolled = await snapshot(page, ObservationOptions(viewport_only=True))
    assert "Far below" in scrolled.text and "Add to cart" not in scrolled.text


async def test_token_budget_cuts_whole_lines_and_says_so(page: Page) -> None:
    await page.set_content("<ul>" + "".join(f"<li><a href='/p{i}'>Product {i}</a></li>" for i in range(300)) + "</ul>")
    snap = await snapshot(page, ObservationOptions(token_budget=200))
    assert snap.truncated
    assert snap.tokens <= 200 + 40  # the budget plus the closing notice
    assert re.search(r"… \d+ more lines not shown \(observation budget 200 tokens\)", snap.text)
    assert 'link "Product 0"' in snap.text and 'link "Product 299"' not in snap.text
    assert not (await snapshot(page, ObservationOptions(token_budget=100_000))).truncated


async def test_fingerprint_tracks_visible_change(page: Page) -> None:
    await page.set_content(PAGE)
    first, same = await snapshot(page), await snapshot(page)
    assert first.fingerprint == same.fingerprint
    await page.fill("#q", "boots")
    assert (await snapshot(page)).fingerprint != first.fingerprint
