"""Recall of the observation: the share of visible interactive elements that it prints with an id.

The census that defines "visible interactive" is independent of the observation's own walk where it can be:
it finds elements with `querySelectorAll` (plus open shadow roots) instead of the render walk, decides visibility
with the browser's `checkVisibility()` and a non-empty box, and finds click listeners through the DevTools
protocol (`DOMDebugger.getEventListeners`), not through the page hooks the observation relies on.

Interactive = a native control (`a[href]`, `button`, `input`, `select`, `textarea`, `summary`), an interactive
ARIA role, contenteditable, an `onclick`, a tabindex >= 0, a pointer cursor the element sets itself (not
inherited), or a click-type listener. Elements under `aria-hidden="true"` or `inert` are hidden from assistive
technology and the agent alike, and count as not visible; `<body>`/`<html>` (where pages delegate events) and
labels of a control (clicking them clicks the control) are not counted. Cross-process frames are counted
without the listener check (the page's DevTools session does not reach into them).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from tools.page_scan import ID_ATTRIBUTE

_CLICK_EVENTS = {"click", "mousedown", "mouseup", "pointerdown", "pointerup", "touchstart", "touchend", "dblclick",
                 "auxclick"}
_SHARED = """
const KEY = Symbol.for('plan-and-act.census');
const ROLES = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
  'menuitemradio', 'option', 'treeitem', 'textbox', 'searchbox', 'combobox', 'slider', 'spinbutton', 'listbox',
  'gridcell']);
const up = (el) => el.parentElement || (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host : null);
const visible = (el) => {
  for (let a = el; a; a = up(a)) {
    if (a.getAttribute('aria-hidden') === 'true' || a.inert) return false;
  }
  if (!el.checkVisibility({visibilityProperty: true})) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
const entry = (el, reason) => ({id: Number(el.getAttribute(ATTR)) || null, reason, tag: el.tagName.toLowerCase(),
  text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 60)});
"""
_CENSUS = """(ATTR) => {
""" + _SHARED + """
  const reasonOf = (el) => {
    if (el === document.body || el === document.documentElement) return null;
    if (el.matches('a[href], button, input:not([type=hidden]), select, textarea, summary')) return 'native';
    const role = (el.getAttribute('role') || '').trim().split(/\\s+/)[0].toLowerCase();
    if (ROLES.has(role)) return 'role';
    const parent = up(el);
    if (el.isContentEditable && !(parent && parent.isContentEditable)) return 'editable';
    if (el.hasAttribute('onclick') || typeof el.onclick === 'function') return 'onclick';
    if (el.hasAttribute('tabindex') && el.tabIndex >= 0) return 'tabindex';
    if (el.tagName === 'LABEL' && el.control) return null;
    const pointer = (node) => getComputedStyle(node).cursor === 'pointer';
    if (pointer(el) && !(parent && pointer(parent))) return 'pointer';
    return null;
  };
  const found = [];
  const index = new Map();
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
      const reason = reasonOf(el);
      if (reason && visible(el)) { index.set(el, found.length); found.push(entry(el, reason)); }
    }
  };
  walk(document);
  window[KEY] = index;
  return found;
}"""
# Called on one element found by its listener (through DevTools): its entry, or its index if already counted.
_LISTENER_ELEMENT = """function (ATTR) {
""" + _SHARED + """
  const el = this;
  if (!(el instanceof Element) || el === document.body || el === document.documentElement) return null;
  const known = window[KEY] && window[KEY].get(el);
  if (known !== undefined) return {known};
  if (el.tagName === 'LABEL' && el.control) return null;
  return visible(el) ? entry(el, 'listener') : null;
}"""


@dataclass
class Census:
    elements: list[dict[str, Any]]  # every visible interactive element: id (or None), reason, tag, text
    printed: set[int]
    missed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        if not self.elements:
            return 1.0
        return 1 - len(self.missed) / len(self.elements)


async def _listener_elements(page: Page) -> list[dict[str, Any]]:
    """Visible elements with a click-type listener that the JS census did not already count (main process)."""
    cdp = await page.context.new_cdp_session(page)
    try:
        await cdp.send("DOM.getDocument", {"depth": 0})
        document = await cdp.send("Runtime.evaluate", {"expression": "document", "objectGroup": "census"})
        listeners = await cdp.send("DOMDebugger.getEventListeners", {
            "objectId": document["result"]["objectId"], "depth": -1, "pierce": True})
        nodes = {item["backendNodeId"] for item in listeners["listeners"]
                 if item.get("type") in _CLICK_EVENTS and item.get("backendNodeId")}
        extra: list[dict[str, Any]] = []
        for backend in sorted(nodes):
            try:
                remote = await cdp.send("DOM.resolveNode", {"backendNodeId": backend, "objectGroup": "census"})
                result = await cdp.send("Runtime.callFunctionOn", {
                    "functionDeclaration": _LISTENER_ELEMENT, "objectId": remote["object"]["objectId"],
                    "arguments": [{"value": ID_ATTRIBUTE}], "returnByValue": True})
            except PlaywrightError:
                continue  # a node in another frame's world; its frame's own census covers the rest
            value = result.get("result", {}).get("value")
            if value and "known" not in value:
                extra.append(value)
        await cdp.send("Runtime.releaseObjectGroup", {"objectGroup": "census"})
        return extra
    finally:
        await cdp.detach()


async def census(page: Page, printed_ids: list[int] | set[int]) -> Census:
    """Count the visible interactive elements of the page (every frame) and which of them were printed."""
    elements: list[dict[str, Any]] = []
    for frame in page.frames:
        if frame.is_detached():
            continue
        try:
            elements.extend(await asyncio.wait_for(frame.evaluate(_CENSUS, ID_ATTRIBUTE), 30))
        except (TimeoutError, PlaywrightError):
            continue
    elements.extend(await _listener_elements(page))
    printed = set(printed_ids)
    missed = [e for e in elements if e["id"] is None or e["id"] not in printed]
    return Census(elements=elements, printed=printed, missed=missed)
