"""The observation and the actions on pages built to be hard: script-made clickables, late content, delayed
menus, date inputs, frames (same- and cross-origin), shadow roots, a slow navigation, a page that needs `wait`.

Every page is written here, served on loopback, and driven through a real browser session (the one episodes use,
with its page hooks and domain policy)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

import pytest

from bench.recall import census
from graph.context import Context
from nodes.browser_access import observe_page
from tools.actions import ERROR_PREFIX, run_action
from tools.observation import snapshot
from tools.session import BrowserSession, BrowserSettings, DomainPolicy, sessions

T = TypeVar("T")


@pytest.fixture
async def session() -> AsyncIterator[BrowserSession]:
    settings = BrowserSettings(navigation_timeout_ms=1500, action_timeout_ms=2000, settle_ms=1500)
    yield await sessions.open("made-pages", settings, DomainPolicy(("127.0.0.1", "localhost")))
    await sessions.close("made-pages")


def line_of(text: str, role: str, name: str) -> tuple[int, str]:
    match = re.search(rf'^\s*\[(\d+)\] {re.escape(role)} "{re.escape(name)}"(.*)$', text, re.M)
    assert match, f"{role} {name!r} not in:\n{text}"
    return int(match.group(1)), match.group(2)


async def act(session: BrowserSession, name: str, **args) -> str:
    return await run_action(session, name, args)


CLICKABLES = """<!doctype html><title>Inbox</title>
<style>.row { cursor: pointer; padding: 4px } .row span { color: #555 } .tab { cursor: pointer }</style>
<div id=tabs><span class=tab>Primary</span> <span class=tab>Promotions</span></div>
<div class=row id=mail1><b>Alice</b> <span>Lunch on Friday?</span></div>
<div class=row id=mail2><b>Bob</b> <span>Quarterly report</span></div>
<span id=listener>Archive all</span>
<div onclick="this.textContent = 'Starred!'">Star</div>
<li tabindex=0>Keyboard item</li>
<div contenteditable=true id=notes>Draft notes</div>
<label style="cursor:pointer"><input type=checkbox> Remember me</label>
<p id=out>nothing yet</p>
<script>
  document.getElementById('listener').addEventListener('click', () => {
    document.getElementById('out').textContent = 'archived';
  });
  for (const row of document.querySelectorAll('.row')) row.addEventListener('click', () => {
    document.getElementById('out').textContent = 'opened ' + row.id;
  });
</script>"""


async def test_script_made_clickables_get_ids_and_names_and_work(made, session) -> None:
    await act(session, "goto", url=made.add("clickables", CLICKABLES))
    snap = await snapshot(session.page)
    for role, name in (("clickable", "Primary"), ("clickable", "Promotions"), ("clickable", "Alice Lunch on Friday?"),
                       ("clickable", "Archive all"), ("clickable", "Star"), ("listitem", "Keyboard item"),
                       ("checkbox", "Remember me")):
        line_of(snap.text, role, name)
    assert re.search(r'\[\d+\] textbox value="Draft notes"', snap.text)
    # Children of a clickable row inherit its pointer cursor: they are part of its name, not clickables of their own.
    assert 'clickable "Lunch on Friday?"' not in snap.text and 'StaticText "Alice"' not in snap.text
    assert "Remember me" not in snap.text.replace('checkbox "Remember me"', "")  # the label is the checkbox's name
    archive, _ = line_of(snap.text, "clickable", "Archive all")
    assert (await act(session, "click", id=archive)).startswith("clicked")
    assert await session.page.inner_text("#out") == "archived"
    row, _ = line_of(snap.text, "clickable", "Bob Quarterly report")
    await act(session, "click", id=row)
    assert await session.page.inner_text("#out") == "opened mail2"
    result = await census(session.page, snap.ids)
    assert len(result.elements) >= 9 and result.missed == [], result.missed


LATE = """<!doctype html><title>Search</title>
<h1>Results</h1><ul id=results><li>Loading…</li></ul>
<script>
  fetch('/data?ms=700').then(r => r.json()).then(d => {
    document.getElementById('results').innerHTML = d.items.map(i => `<li><a href="#${i}">${i}</a></li>`).join('');
  });
</script>"""


async def test_content_a_fetch_adds_after_load_is_observed(made, session) -> None:
    result = await act(session, "goto", url=made.add("late", LATE))
    assert not result.startswith(ERROR_PREFIX)
    observation = await observe_page(session, Context(settle_ms=1500, navigation_timeout_ms=1500))
    assert "Loading…" not in observation["text"]
    for name in ("Alpha result", "Beta result", "Gamma result"):
        line_of(observation["text"], "link", name)


SUGGEST = """<!doctype html><title>Suggest</title>
<input id=q aria-label="City"><div id=menu></div><p id=chosen></p>
<script>
  const q = document.getElementById('q'), menu = document.getElementById('menu');
  q.addEventListener('input', () => setTimeout(() => {
    menu.innerHTML = '';
    for (const city of ['Paris', 'Parma', 'Pasadena'].filter(c => c.toLowerCase().startsWith(q.value.toLowerCase()))) {
      const item = document.createElement('div');
      item.textContent = city;
      item.addEventListener('click', () => { q.value = city; menu.innerHTML = '';
                                             document.getElementById('chosen').textContent = 'chose ' + city; });
      menu.appendChild(item);
    }
  }, 300));
</script>"""


async def test_a_suggestion_menu_that_appears_late_is_observed_and_clickable(made, session) -> None:
    await act(session, "goto", url=made.add("suggest", SUGGEST))
    snap = await snapshot(session.page)
    city, _ = line_of(snap.text, "textbox", "City")
    assert (await act(session, "type", id=city, text="Par")).startswith("typed 'Par' into")
    snap = await snapshot(session.page)  # the type action waited for the page to settle
    parma, _ = line_of(snap.text, "clickable", "Parma")
    line_of(snap.text, "clickable", "Paris")
    assert "Pasadena" not in snap.text
    await act(session, "click", id=parma)
    assert await session.page.input_value("#q") == "Parma"
    assert await session.page.inner_text("#chosen") == "chose Parma"


DATES = """<!doctype html><title>Booking</title>
<label>Check-in <input type=date id=d></label>
<label>Arrival time <input type=time id=t></label>
<label>Pick-up <input type=datetime-local id=dt></label>
<label>Card expiry <input type=month id=m></label>
<label>Sprint <input type=week id=w></label>
<label>Code <input id=code maxlength=3></label>
<label>Stubborn <input id=stubborn></label>
<label>Size <select id=size><option>Small</option><option>Large</option></select></label>
<script>
  document.getElementById('stubborn').addEventListener('input', (e) => { e.target.value = ''; });
  document.getElementById('size').addEventListener('change', (e) => { e.target.value = 'Small'; });
</script>"""


async def test_date_and_time_inputs_take_human_formats_and_show_their_format(made, session) -> None:
    await act(session, "goto", url=made.add("dates", DATES))
    text = (await snapshot(session.page)).text
    check_in, props = line_of(text, "textbox", "Check-in")
    assert props.strip() == "type=date format=YYYY-MM-DD"
    for typed, expected in (("05/20/2010", "2010-05-20"), ("May 20, 2010", "2010-05-20"),
                            ("20.05.2010", "2010-05-20"), ("Thursday, May 20th, 2010", "2010-05-20")):
        result = await act(session, "type", id=check_in, text=typed)
        assert result.startswith(f"typed {typed!r} into [{check_in}] as {expected}"), result
        assert await session.page.input_value("#d") == expected
    cases = {"Arrival time": ("3:45 PM", "#t", "15:45"), "Pick-up": ("05/20/2010 3:45 pm", "#dt", "2010-05-20T15:45"),
             "Card expiry": ("May 2010", "#m", "2010-05"), "Sprint": ("2010-W20", "#w", "2010-W20")}
    for label, (typed, selector, expected) in cases.items():
        element, _ = line_of(text, "textbox", label)
        result = await act(session, "type", id=element, text=typed)
        assert not result.startswith(ERROR_PREFIX), result
        assert await session.page.input_value(selector) == expected
    text = (await snapshot(session.page)).text
    assert line_of(text, "textbox", "Check-in")[1].strip() == 'type=date format=YYYY-MM-DD value="2010-05-20"'
    assert 'type=week format=YYYY-Www value="2010-W20"' in text
    bad = await act(session, "type", id=check_in, text="someday soon")
    assert bad.startswith(f"{ERROR_PREFIX} [{check_in}] is a date field (format YYYY-MM-DD)")


async def test_input_that_does_not_take_is_an_error(made, session) -> None:
    await act(session, "goto", url=made.add("dates", DATES))
    text = (await snapshot(session.page)).text
    code, _ = line_of(text, "textbox", "Code")
    assert (await act(session, "type", id=code, text="ABC")).startswith("typed 'ABC'")
    await session.page.evaluate("document.getElementById('code').maxLength = 2")
    truncated = await act(session, "type", id=code, text="WXYZ")
    assert truncated.startswith(f"{ERROR_PREFIX} typed 'WXYZ' into [{code}] but the field kept only 'WX'"), truncated
    stubborn, _ = line_of(text, "textbox", "Stubborn")
    # fill() sets the value and fires `input`; this page's script then empties the field again.
    empty = await act(session, "type", id=stubborn, text="hello")
    assert empty.startswith(f"{ERROR_PREFIX} typed 'hello' into [{stubborn}] but the field is still empty"), empty
    size, _ = line_of(text, "combobox", "Size")
    reverted = await act(session, "select_option", id=size, option="Large")
    assert reverted.startswith(f"{ERROR_PREFIX} tried to select 'Large' in [{size}] but the dropdown shows 'Small'")


FRAME_INNER = """<!doctype html><title>Inner</title>
<button onclick="document.getElementById('said').textContent = 'inner clicked'">Inner button</button>
<input aria-label="Inner field"><p id=said>quiet</p>"""
FRAMES = """<!doctype html><title>Framed</title><h1>Outer page</h1>
<button>Outer button</button>
<iframe title="Same origin" src="{same}" width=600 height=150></iframe>
<iframe title="Cross origin" src="{cross}" width=600 height=150></iframe>
<iframe title="Inline" srcdoc="<button>Srcdoc button</button><iframe title='Nested' src='{same}'></iframe>"
        width=600 height=250></iframe>"""


async def test_same_and_cross_origin_frames_are_observed_and_actionable(made, session) -> None:
    inner = made.add("inner", FRAME_INNER)
    cross = inner.replace(made.base, made.other_origin)
    await act(session, "goto", url=made.add("frames", FRAMES.format(same=inner, cross=cross)))
    assert any(frame.url.startswith(made.other_origin) for frame in session.page.frames)
    observation = await observe_page(session, Context())
    text = observation["text"]
    for title in ("Same origin", "Cross origin", "Inline", "Nested"):
        line_of(text, "iframe", title)
    buttons = re.findall(r'^(\s*)\[(\d+)\] button "Inner button"', text, re.M)
    assert len(buttons) == 3  # same-origin, cross-origin, nested
    assert all(len(indent) >= 2 for indent, _ in buttons)  # indented under their iframe line
    line_of(text, "button", "Srcdoc button")
    assert len(observation["ids"]) == len(set(observation["ids"]))  # one id scheme across every frame
    cross_section = text[text.index('iframe "Cross origin"'):text.index('iframe "Inline"')]
    button, _ = line_of(cross_section, "button", "Inner button")
    field, _ = line_of(cross_section, "textbox", "Inner field")
    assert (await act(session, "click", id=button)).startswith("clicked")
    assert (await act(session, "type", id=field, text="across origins")).startswith("typed 'across origins'")
    frame = next(f for f in session.page.frames if f.url.startswith(made.other_origin))
    assert await frame.inner_text("#said") == "inner clicked"
    assert await frame.input_value("input") == "across origins"
    text = (await observe_page(session, Context()))["text"]
    cross_section = text[text.index('iframe "Cross origin"'):text.index('iframe "Inline"')]
    assert line_of(cross_section, "button", "Inner button")[0] == button  # ids survive re-observation
    assert 'value="across origins"' in cross_section
    result = await census(session.page, observation["ids"])
    assert result.missed == [], result.missed


SHADOW = """<!doctype html><title>Widgets</title>
<fancy-card><span slot=title>Slotted title</span></fancy-card>
<p id=out>idle</p>
<script>
  customElements.define('fancy-card', class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({mode: 'open'});
      root.innerHTML = '<h2><slot name=title></slot></h2><button id=b>Shadow button</button>' +
                       '<inner-widget></inner-widget>';
      root.getElementById('b').addEventListener('click', () => document.getElementById('out').textContent = 'shadow');
    }
  });
  customElements.define('inner-widget', class extends HTMLElement {
    connectedCallback() {
      this.attachShadow({mode: 'open'}).innerHTML = '<label>Deep field <input></label><a href="#x">Deep link</a>';
    }
  });
</script>"""


async def test_open_shadow_roots_are_observed_and_actionable(made, session) -> None:
    await act(session, "goto", url=made.add("shadow", SHADOW))
    snap = await snapshot(session.page)
    line_of(snap.text, "heading", "Slotted title")
    button, _ = line_of(snap.text, "button", "Shadow button")
    deep, _ = line_of(snap.text, "textbox", "Deep field")
    line_of(snap.text, "link", "Deep link")
    await act(session, "click", id=button)
    assert await session.page.inner_text("#out") == "shadow"
    assert (await act(session, "type", id=deep, text="in the shadows")).startswith("typed")
    assert 'value="in the shadows"' in (await snapshot(session.page)).text
    assert (await census(session.page, snap.ids)).missed == []


async def test_a_slow_navigation_is_in_progress_not_failed_and_the_next_observation_waits(made, session) -> None:
    url = made.add("slow-link", f'<title>Start</title><a href="{made.base}/slow?ms=2500">Go to the slow page</a>')
    await act(session, "goto", url=url)
    link, _ = line_of((await snapshot(session.page)).text, "link", "Go to the slow page")
    result = await act(session, "click", id=link)  # navigation timeout 1.5 s < 2.5 s server delay
    assert not result.startswith(ERROR_PREFIX), result
    assert f"navigation to {made.base}/slow?ms=2500 still in progress" in result
    observation = await observe_page(session, Context(navigation_timeout_ms=10_000))
    assert observation["url"] == f"{made.base}/slow?ms=2500"
    line_of(observation["text"], "heading", "Arrived slowly")


LATER = """<!doctype html><title>Report</title>
<button onclick="setTimeout(() => { document.getElementById('r').textContent = 'Report ready: 42 rows'; }, 2500)">
Build report</button><p id=r>Not started</p>"""


async def test_wait_lets_the_model_ask_for_more_time(made, session) -> None:
    await act(session, "goto", url=made.add("later", LATER))
    build, _ = line_of((await snapshot(session.page)).text, "button", "Build report")
    await act(session, "click", id=build)
    assert "Report ready" not in (await snapshot(session.page)).text  # 2.5 s is longer than the automatic settling
    waited = await act(session, "wait", seconds=5)
    assert waited.startswith("waited") and "the page changed" in waited, waited
    assert 'StaticText "Report ready: 42 rows"' in (await snapshot(session.page)).text
    quiet = await act(session, "wait", seconds=1)
    assert "the page did not change" in quiet


RESTLESS = """<!doctype html><title>Live quotes</title>
<h1>Live quotes</h1><p>Last tick: <span id=tick>0</span></p>
<button onclick="document.getElementById('said').textContent = 'refreshed'">Refresh</button>
<a href="#more">More quotes</a><p id=said>idle</p>
<script>let n = 0; setInterval(() => { document.getElementById('tick').textContent = ++n; }, 30);</script>"""
SETTLE_MARGIN_S = 1.5  # the snapshot itself, on a loaded 2-core machine; far below another full settle wait


async def timed(work: Awaitable[T], limit_s: float) -> tuple[T, float]:
    """The result and how long it took; past `limit_s` the test fails instead of hanging with the page."""
    started = time.monotonic()
    try:
        result = await asyncio.wait_for(work, limit_s)
    except TimeoutError:
        raise AssertionError(f"still waiting after {limit_s} s") from None
    return result, time.monotonic() - started


async def test_a_page_that_never_goes_quiet_is_observed_at_the_settle_cap(made) -> None:
    """The settle wait must be bounded: a ticker that changes the DOM every 30 ms never gives it the quiet it
    waits for, and an uncapped wait would hang the episode on every such page."""
    settings, context = BrowserSettings(), Context()
    assert settings.settle_ms == context.settle_ms <= 2000  # the cap, as the defaults set it
    limit_s = context.settle_ms / 1000 + SETTLE_MARGIN_S
    session = await sessions.open("restless", settings, DomainPolicy(("127.0.0.1",)))
    try:
        opened, _ = await timed(act(session, "goto", url=made.add("restless", RESTLESS)), limit_s)
        assert "still changing after" in opened, opened  # the executor is told why the wait ended
        observation, seconds = await timed(observe_page(session, context), limit_s)
        assert seconds >= context.settle_ms / 1000, seconds  # it did wait: the page was never quiet
        refresh, _ = line_of(observation["text"], "button", "Refresh")
        more, _ = line_of(observation["text"], "link", "More quotes")
        assert {refresh, more} <= set(observation["ids"])
        clicked, _ = await timed(act(session, "click", id=refresh), limit_s)
        assert clicked.startswith("clicked") and await session.page.inner_text("#said") == "refreshed"
    finally:
        await sessions.close("restless")
