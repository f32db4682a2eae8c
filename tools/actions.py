"""The action set (`tools.vocabulary`) carried out in one episode's browser session, as LangChain tools.

The tools are built from the vocabulary, so their names, argument schemas and descriptions are the vocabulary's;
this module only says what each action *does*. The session is an injected argument (hidden from the model's
schema), so one set of tools serves every episode and the executor binds exactly these schemas. A tool never
raises into the graph: whatever goes wrong (an id that is not on the page, a hidden element, a navigation
timeout, a blocked domain) comes back as a result that starts with "error:", which the executor reads on its
next turn.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from langchain_core.tools import BaseTool, InjectedToolArg, StructuredTool
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Locator, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from tools import date_input, page_hooks, secrets
from tools.page_scan import ID_ATTRIBUTE, frame_of
from tools.session import BrowserSession
from tools.settle import settle
from tools.vocabulary import ACTIONS, ACTIONS_BY_NAME, STOP, ActionSpec, Arg

Session = Annotated[BrowserSession, InjectedToolArg]
ERROR_PREFIX = "error:"

_OPENS_NEW_TAB = """el => {
  const owner = el.closest('a[href], area[href], form');
  const target = owner && (owner.getAttribute('target') || '');
  return !!target && !['_self', '_parent', '_top'].includes(target.toLowerCase());
}"""


class ActionError(Exception):
    """An action that cannot be carried out; its message is what the executor reads."""


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# One plain `evaluate` per frame finds the element (open shadow roots included, as the page scan numbers them),
# decides whether it is visible (as Playwright's `is_visible` does: rendered, `visibility: visible`, a non-empty box)
# and reads what the action needs to know about it. Playwright's own `count()`/`is_visible()`/`locator.evaluate`
# would each be a round trip, and on a freshly loaded page they make Playwright inject its selector engine into
# the page's main world as well as the utility world its click uses: ~100 ms on the framework's side of every
# step (BENCHMARKS.md "Framework overhead").
_LOOK_UP = """(selector) => {
  const deep = (root) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const host of root.querySelectorAll('*')) {
      if (host.shadowRoot) { const inner = deep(host.shadowRoot); if (inner) return inner; }
    }
    return null;
  };
  const el = deep(document);
  if (!el) return null;
  const visible = (node) => {
    const style = getComputedStyle(node);
    if (style.display === 'contents') {
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === 1 && visible(child)) return true;
        if (child.nodeType === 3 && child.textContent.trim()) {
          const range = document.createRange(); range.selectNodeContents(child);
          const box = range.getBoundingClientRect(); if (box.width > 0 && box.height > 0) return true;
        }
      }
      return false;
    }
    if (node.checkVisibility && !node.checkVisibility()) return false;
    if (style.visibility !== 'visible') return false;
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  return {visible: visible(el), facts: (FACTS)(el)};
}"""


async def _look_up(frame: Frame, selector: str, facts: str | None) -> dict[str, Any] | None:
    if frame.is_detached():
        return None
    # The facts function is spliced in, not passed as text to `eval`: a page's CSP may forbid eval.
    return await frame.evaluate(_LOOK_UP.replace("(FACTS)", f"({facts or 'el => null'})"), selector)


async def _element(session: BrowserSession, element_id: int, *, must_be_visible: bool = True,
                   facts: str | None = None) -> tuple[Locator, Any]:
    """The element with this id in the active tab (in the frame the latest observation saw it in, else in the
    main document, else in any frame: ids are page-wide, frames included), and what the `facts` script (an
    `el => ...` function, or None) says about it, read in the same round trip."""
    page = session.page
    selector = f'[{ID_ATTRIBUTE}="{int(element_id)}"]'
    known = frame_of(page, element_id)
    candidates = [known] if known is not None else []
    candidates.append(page.main_frame)
    candidates += [frame for frame in page.frames if frame not in candidates]
    for frame in candidates:
        found = await _look_up(frame, selector, facts)
        if found is None:
            continue
        if must_be_visible and not found["visible"]:
            raise ActionError(f"element [{element_id}] is hidden (not visible on the page), so it cannot be used; "
                              "open the menu or section that shows it first")
        return frame.locator(selector).first, found["facts"]
    raise ActionError(f"there is no element [{element_id}] on the current page; use an id from the latest "
                      "observation")


async def _settled_note(session: BrowserSession) -> str:
    """Wait for whatever the action started (a navigation, a form post, a script filling the page) to finish,
    within bounds; say so if it did not."""
    settings = session.settings
    result = await settle(session.page, navigation_timeout_ms=settings.navigation_timeout_ms,
                          quiet_ms=settings.quiet_ms, settle_ms=settings.settle_ms)
    note = result.note()
    return f" ({note})" if note else ""


async def _report(session: BrowserSession, done: str, url_before: str) -> str:
    """One line for the executor: what happened, where the page is now, and any side events."""
    await session.settled()  # redirect hops the network guard is following, downloads being saved
    note = await _settled_note(session)
    page = session.page
    parts = [done + note]
    if page.url != url_before:
        parts.append(f"the page is now {page.url}")
    parts.extend(session.drain_events())
    return "; ".join(parts)


async def _guarded(session: BrowserSession | None, action: str, body: Callable[[], Awaitable[str]]) -> str:
    """Run an action body and turn every failure into an `error:` result."""
    try:
        return await body()
    except ActionError as exc:
        return f"{ERROR_PREFIX} {exc}"
    except secrets.UnknownSecret as exc:
        known = ", ".join(secrets.secret_names()) or "none"
        return f"{ERROR_PREFIX} no secret named {exc.args[0]!r} is configured (known: {known})"
    except secrets.SecretNotAllowed as exc:
        return f"{ERROR_PREFIX} {exc}"
    except PlaywrightTimeout as exc:
        return f"{ERROR_PREFIX} {action} timed out: {_first_line(exc)}"
    except PlaywrightError as exc:
        events = session.drain_events() if session is not None else []
        if events:  # e.g. a click whose navigation the domain policy blocked
            return f"{ERROR_PREFIX} {'; '.join(events)}"
        return f"{ERROR_PREFIX} {action} failed: {_first_line(exc)}"

Body = Callable[..., Awaitable[str]]
_BODIES: dict[str, Body] = {}


def _does(name: str) -> Callable[[Body], Body]:
    """Register what the vocabulary's action `name` does; the tool itself is built from the vocabulary."""
    def register(body: Body) -> Body:
        _BODIES[name] = body
        return body

    return register


@_does("click")
async def _click(session: BrowserSession, id: int) -> str:
    element, opens_new_tab = await _element(session, id, facts=_OPENS_NEW_TAB)
    before = session.page.url
    if opens_new_tab:
        await _click_to_new_tab(session, element)
    else:
        # Playwright would wait for a navigation the click starts and call a slow one a failed click; the
        # settling below waits for it instead, and reports it as still in progress if it outlasts the timeout.
        await element.click(no_wait_after=True)
    return await _report(session, f"clicked [{id}]", before)


async def _click_to_new_tab(session: BrowserSession, element: Locator) -> None:
    """Click, then wait for the new tab here, so the result (and the next observation) already shows it — or for
    the network guard to refuse the tab's page, in which case no tab will come."""
    timeout = session.settings.navigation_timeout_ms
    refused = session.guard.refused
    tab = asyncio.ensure_future(session.context.wait_for_event("page", timeout=timeout))
    await element.click()
    blocked = asyncio.ensure_future(session.guard.refusal_after(refused))
    done, _ = await asyncio.wait({tab, blocked}, timeout=timeout / 1000, return_when=asyncio.FIRST_COMPLETED)
    for waiter in (tab, blocked):
        waiter.cancel()
    await asyncio.gather(tab, blocked, return_exceptions=True)
    if not done:
        raise ActionError(f"the click was meant to open a new tab, but none opened within {timeout} ms")


_FIELD_FACTS = """el => ({tag: el.tagName, type: (el.type || '').toLowerCase(), readOnly: !!el.readOnly,
  disabled: !!el.disabled})"""
_FIELD_VALUE = "el => el.isContentEditable ? el.innerText.replace(/\\n$/, '') : (el.value ?? '')"


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _shown(value: str, password: bool) -> str:
    return f"{len(value)} characters (hidden)" if password else repr(secrets.redact(value))


def _did_not_take(id: int, text: str, wanted: str, held: str, password: bool) -> str | None:
    """Why the typed text did not take (the field is empty, or kept only a part), or None if it did."""
    if held == wanted or not wanted:
        return None
    if not held:
        return (f"typed {text!r} into [{id}] but the field is still empty: it did not accept the text "
                "(does it take only a particular format, or is it filled some other way?)")
    if wanted.startswith(held):
        return f"typed {text!r} into [{id}] but the field kept only {_shown(held, password)} (a length limit?)"
    return None


@_does("type")
async def _type(session: BrowserSession, id: int, text: str, press_enter: bool = False) -> str:
    element, facts = await _element(session, id, facts=_FIELD_FACTS)
    before = session.page.url
    kind = facts["type"] if facts["tag"] == "INPUT" else ""
    if facts["disabled"] or facts["readOnly"]:
        state = "disabled" if facts["disabled"] else "read-only"
        raise ActionError(f"field [{id}] is {state}; it cannot be typed into")
    value = await _with_secrets(session, element, id, text)
    converted = ""
    if kind in date_input.FORMATS:
        try:
            value = date_input.normalize(kind, value)
        except date_input.DateInputError as exc:
            raise ActionError(f"[{id}] is a {kind} field (format {date_input.FORMATS[kind]}): {exc}") from None
        if value != text.strip():
            converted = f" as {value}"
    await element.fill(value)
    # Read back what the field holds: a field that silently refused the text is an error the executor must see.
    held = str(await element.evaluate(_FIELD_VALUE))
    password = kind == "password"
    problem = _did_not_take(id, text, value, held, password)
    if problem:
        raise ActionError(problem)
    typed = f"typed {text!r} into [{id}]{converted}"
    if held != value:
        same_characters = _alnum(held) == _alnum(value)
        typed += f" (shown as {_shown(held, password)})" if same_characters else \
            f"; the field now holds {_shown(held, password)}"
    if press_enter:
        await element.press("Enter", no_wait_after=True)
        typed += " and pressed Enter"
    return await _report(session, typed, before)


_FIELD_KIND = """el => ({tag: el.tagName, editable: !!el.isContentEditable,
  method: el.form ? (el.form.getAttribute('method') || 'get').toLowerCase() : ''})"""


async def _with_secrets(session: BrowserSession, element: Locator, id: int, text: str) -> str:
    """The text to type with its `{{secret:NAME}}` placeholders filled in — only into a field whose document is on
    a domain the user allowed for that secret, and never into a field whose value would be published or put in a
    URL (a text area, an editable region, a form sent with GET)."""
    if not secrets.placeholders_in(text):
        return text
    handle = await element.element_handle()
    frame = await handle.owner_frame() if handle is not None else None
    where = frame.url if frame is not None else session.page.url
    value = secrets.resolve(text, where, session.settings.secret_policies())
    field = await element.evaluate(_FIELD_KIND)
    if field["tag"] == "TEXTAREA" or field["editable"] or field["method"] == "get":
        kind = "a form sent with GET (it would put the secret in the URL)" if field["method"] == "get" else (
            "a text area or editable region (its text is meant to be published)")
        raise ActionError(f"[{id}] is in {kind}; secrets are typed only into single-line fields of forms that "
                          "post them")
    return value


@_does("hover")
async def _hover(session: BrowserSession, id: int) -> str:
    element, _ = await _element(session, id)
    await element.hover()
    return await _report(session, f"hovered over [{id}]", session.page.url)


@_does("select_option")
async def _select_option(session: BrowserSession, id: int, option: str) -> str:
    element, _ = await _element(session, id)
    if await element.evaluate("el => el.tagName") != "SELECT":
        raise ActionError(f"element [{id}] is not a dropdown (<select>); click it instead")
    labels: list[str] = await element.evaluate("el => [...el.options].map(o => o.label || o.textContent.trim())")
    values: list[str] = await element.evaluate("el => [...el.options].map(o => o.value)")
    before = session.page.url
    if option in labels:
        await element.select_option(label=option)
    elif option in values:
        await element.select_option(value=option)
    else:
        matches = [label for label in labels if label.strip().lower() == option.strip().lower()]
        if not matches:
            raise ActionError(f"dropdown [{id}] has no option {option!r}; its options are: "
                              + ", ".join(repr(label) for label in labels[:30]))
        await element.select_option(label=matches[0])
    # Read back what the dropdown shows: a page script may have changed it back.
    chosen: list[str] = await element.evaluate(
        "el => [...el.selectedOptions].map(o => o.label || o.textContent.trim())")
    wanted = {option.strip().lower()} | {
        label.strip().lower() for label, value in zip(labels, values) if value == option}
    if not any(label.strip().lower() in wanted for label in chosen):
        shown = ", ".join(repr(label) for label in chosen) or "nothing"
        raise ActionError(f"tried to select {option!r} in [{id}] but the dropdown shows {shown} (the page changed "
                          "it back, or the option is disabled)")
    shown = "" if option in chosen else f" (now showing {', '.join(repr(label) for label in chosen)})"
    return await _report(session, f"selected {option!r} in [{id}]{shown}", before)


@_does("press")
async def _press(session: BrowserSession, keys: str) -> str:
    before = session.page.url
    await session.page.keyboard.press(keys)
    return await _report(session, f"pressed {keys}", before)


@_does("scroll")
async def _scroll(session: BrowserSession, direction: str) -> str:
    sign = 1 if direction == "down" else -1
    position = await session.page.evaluate(
        """(sign) => { window.scrollBy(0, sign * Math.round(window.innerHeight * 0.8));
             return [Math.round(window.scrollY), window.innerHeight,
                     document.documentElement.scrollHeight]; }""", sign)
    top, height, total = position
    note = await _settled_note(session)  # scrolling often loads more (lazy images, infinite lists)
    return f"scrolled {direction}; showing {top}-{min(top + height, total)} px of {total} px{note}"


# Resolves true when the DOM changes after `since` (performance.now() in the page), false after `limit` ms.
_WAIT_FOR_CHANGE = """([limit]) => new Promise((resolve) => {
  const hooks = window[Symbol.for('plan-and-act.hooks')];
  const since = performance.now();
  const tick = () => {
    if (hooks && hooks.lastChange > since) resolve(true);
    else if (performance.now() - since >= limit) resolve(false);
    else setTimeout(tick, 50);
  };
  tick();
})"""


@_does("wait")
async def _wait(session: BrowserSession, seconds: int = 3) -> str:
    """The model's way to ask for more time than the automatic settling gives (a slow search, a late menu)."""
    page = session.page
    started = time.monotonic()
    before = page.url
    await page_hooks.ensure(page)
    try:
        changed = await asyncio.wait_for(page.evaluate(_WAIT_FOR_CHANGE, [seconds * 1000]), seconds + 2)
    except PlaywrightError:
        changed = True  # the document was replaced: a navigation happened while we waited
    except TimeoutError:
        changed = False  # the page's own script did not yield
    note = await _settled_note(session)
    waited = time.monotonic() - started
    what = "the page changed" if changed else "the page did not change"
    parts = [f"waited {waited:.1f} s; {what}{note}"]
    if page.url != before:
        parts.append(f"the page is now {page.url}")
    parts.extend(session.drain_events())
    return "; ".join(parts)


@_does("goto")
async def _goto(session: BrowserSession, url: str) -> str:
    if not session.policy.allows(url):
        raise ActionError(session.policy.refusal(url))
    page = session.page
    refused = session.guard.refused
    response = await session.load(page, url)
    if session.guard.refused > refused:
        raise ActionError("; ".join(session.drain_events()))
    status = f" (HTTP {response.status})" if response is not None and response.status >= 400 else ""
    return "; ".join([f"opened {page.url}{status}{await _settled_note(session)}", *session.drain_events()])


@_does("go_back")
async def _go_back(session: BrowserSession) -> str:
    response = await session.page.go_back(wait_until="load")
    if response is None and session.page.url in ("", "about:blank"):
        raise ActionError("there is no previous page in this tab")
    return f"went back to {session.page.url}{await _settled_note(session)}"


@_does("go_forward")
async def _go_forward(session: BrowserSession) -> str:
    before = session.page.url
    await session.page.go_forward(wait_until="load")
    if session.page.url == before:
        raise ActionError("there is no next page in this tab's history")
    return f"went forward to {session.page.url}{await _settled_note(session)}"


@_does("new_tab")
async def _new_tab(session: BrowserSession) -> str:
    page: Page = await session.context.new_page()
    session.active_index = session.pages.index(page)
    session.drain_events()
    return f"opened tab {session.active_index} (empty) and switched to it"


@_does("tab_focus")
async def _tab_focus(session: BrowserSession, index: int) -> str:
    pages = session.pages
    if not 0 <= index < len(pages):
        raise ActionError(f"there is no tab {index}; open tabs are 0..{len(pages) - 1}")
    session.active_index = index
    await pages[index].bring_to_front()
    return f"switched to tab {index} ({pages[index].url})"


@_does("close_tab")
async def _close_tab(session: BrowserSession) -> str:
    await session.page.close()
    if not session.pages:
        await session.context.new_page()
    session.drain_events()
    session.active_index = len(session.pages) - 1
    return f"closed the tab; now on tab {session.active_index} ({session.page.url})"


@_does(STOP)
async def _stop(session: BrowserSession | None, answer: str) -> str:
    return f"stopped with answer: {answer}"


# --- tools from the vocabulary ------------------------------------------------------------------------------

def _field(arg: Arg) -> tuple[Any, Any]:
    annotation: Any = Literal[arg.choices] if arg.choices else arg.type  # type: ignore[valid-type]
    default = ... if arg.required else arg.default
    return annotation, Field(default, description=arg.description, ge=arg.minimum, le=arg.maximum)


def _arguments_model(spec: ActionSpec) -> type[BaseModel]:
    fields: dict[str, Any] = {arg.name: _field(arg) for arg in spec.args}
    fields["session"] = (Annotated[BrowserSession | None, InjectedToolArg], Field(None))
    return create_model(spec.name, __config__=ConfigDict(arbitrary_types_allowed=True), **fields)


def _tool(spec: ActionSpec) -> BaseTool:
    body = _BODIES[spec.name]

    async def run(session: Session | None = None, **args: Any) -> str:
        if session is None and spec.name != STOP:
            return f"{ERROR_PREFIX} {spec.name} needs a browser session"
        # Redacted here, before the result reaches the tool's own trace: a page may echo a typed secret back.
        return secrets.redact(await _guarded(session, spec.name, lambda: body(session, **args)))  # type: ignore[arg-type]

    return StructuredTool.from_function(coroutine=run, name=spec.name, description=spec.description,
                                        args_schema=_arguments_model(spec))


_missing = [spec.name for spec in ACTIONS if spec.name not in _BODIES]
if _missing:  # a vocabulary entry nobody implemented is a bug at import time, not a surprise mid-episode
    raise RuntimeError(f"actions without an implementation: {', '.join(_missing)}")
ACTION_TOOLS: tuple[BaseTool, ...] = tuple(_tool(spec) for spec in ACTIONS)
TOOLS_BY_NAME: dict[str, BaseTool] = {t.name: t for t in ACTION_TOOLS}


def validate_call(name: str, args: dict[str, Any], tools: dict[str, BaseTool] | None = None) -> str | None:
    """Why this tool call cannot run (unknown tool, missing or ill-typed arguments), or None if it can."""
    tools = tools or TOOLS_BY_NAME
    if name not in tools:
        return f"there is no tool named {name!r}; the tools are: {', '.join(tools)}"
    if not isinstance(args, dict):
        return f"the arguments of {name} must be an object"
    known = set(tools[name].tool_call_schema.model_fields)  # type: ignore[union-attr]
    unknown = sorted(str(key) for key in args if key not in known)
    if unknown and name in ACTIONS_BY_NAME:  # our actions take exactly their vocabulary's arguments
        return (f"{name} has no argument{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; its "
                f"arguments are: {', '.join(ACTIONS_BY_NAME[name].arg_names) or 'none'}")
    try:
        tools[name].tool_call_schema.model_validate(args)  # type: ignore[union-attr]
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}"
                             for e in exc.errors())
        return f"bad arguments for {name}: {problems}"
    return None


async def run_action(session: BrowserSession, name: str, args: dict[str, Any],
                     tools: dict[str, BaseTool] | None = None) -> str:
    """Execute one validated tool call in the session; always returns a result string."""
    tools = tools or TOOLS_BY_NAME
    problem = validate_call(name, args, tools)
    if problem:
        return f"{ERROR_PREFIX} {problem}"
    chosen = tools[name]
    call_args = dict(args)
    if chosen in ACTION_TOOLS:
        call_args["session"] = session
    try:
        return str(await chosen.ainvoke(call_args))
    except Exception as exc:  # a tool from elsewhere (e.g. langchain-community) that raised anyway
        return f"{ERROR_PREFIX} {name} failed: {_first_line(exc)}"

