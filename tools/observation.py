"""Turn a live page into the compact text the models read, with ids that stay put while the page changes.

Why this shape:
- Ids are attributes injected into the DOM (BrowserGym's approach), not positions in a list: an element keeps its
  id for the life of the document, so an id printed in one observation still names the same element after the
  page re-renders around it, and an action resolves it with a plain CSS selector.
- Roles and names come from Chrome's own accessibility tree (CDP `Accessibility.getFullAXTree`), the source
  WebArena's observation uses, so "button 'Add to Cart'" means what a screen reader would announce, and
  Playwright's `get_by_role` (used to check reference solutions) agrees with what the agent sees.
- Pruning keeps what a person would read: invisible and decorative nodes go, unnamed wrappers collapse, text
  that only repeats its parent's name is dropped, long option lists are cut. A token budget caps the rest.
"""

from __future__ import annotations

import hashlib
import math
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.async_api import CDPSession, Page

ID_ATTRIBUTE = "data-pa-id"

# Marks every element that has no id yet with the next free number. The counter lives on the document element,
# so ids never repeat within a document and elements that survive a re-render keep theirs.
_INJECT_IDS = """(attr) => {
  const root = document.documentElement;
  if (!root) return 0;
  let next = Number(root.getAttribute('data-pa-next') || '1');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.currentNode; el; el = walker.nextNode()) {
    if (!el.hasAttribute(attr)) el.setAttribute(attr, String(next++));
  }
  root.setAttribute('data-pa-next', String(next));
  return next - 1;
}"""

_VIEWPORT = "() => [window.scrollX, window.scrollY, window.innerWidth, window.innerHeight]"

# Roles that only group other nodes: printed only when they carry a name.
_WRAPPER_ROLES = frozenset({
    "none", "generic", "presentation", "group", "Section", "LineBreak", "paragraph", "list", "listitem",
    "ListMarker", "table", "rowgroup", "div", "Canvas", "Pre", "Abbr", "Ruby", "strong", "emphasis",
    "time", "sectionheader", "sectionfooter", "blockquote", "figure", "DescriptionList", "term", "definition",
    "contentinfo", "banner", "complementary", "form", "navigation", "main", "region", "article", "search",
    "code", "subscript", "superscript", "mark", "insertion", "deletion", "caption", "legend", "Iframe",
})
# Nodes whose subtree is their value (a text field's inner text) or noise.
_SKIP_SUBTREE_ROLES = frozenset({"InlineTextBox", "ScrollBar", "Canvas"})
_VALUE_ROLES = frozenset({"textbox", "searchbox", "combobox", "spinbutton", "slider", "ComboBoxMenuButton"})
_TEXT_ROLES = frozenset({"StaticText", "text"})
_BOOLEAN_PROPS = ("focused", "disabled", "required", "expanded", "selected", "pressed", "multiselectable")
MAX_OPTIONS = 25
_FOCUSED = re.compile(r" focused(?=\s|$)", re.M)


@dataclass(frozen=True)
class ObservationOptions:
    """viewport_only: only what is on screen now (the paper's executor sees the viewport). token_budget: cut
    the text after roughly this many tokens (4 characters a token; no tokenizer download needed)."""

    viewport_only: bool = False
    token_budget: int = 6000
    link_urls: bool = True


@dataclass
class Snapshot:
    url: str
    title: str
    text: str  # the element lines only; `render` adds the page header
    ids: list[int]
    truncated: bool
    fingerprint: str  # changes when anything the model can see changes (loop detection compares these)
    tokens: int = 0
    tabs: list[dict[str, Any]] = field(default_factory=list)


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


async def inject_ids(page: Page) -> int:
    """Give every element of the current document a stable id; returns the highest id in use."""
    return int(await page.evaluate(_INJECT_IDS, ID_ATTRIBUTE))


_cdp_sessions: weakref.WeakKeyDictionary[Page, CDPSession] = weakref.WeakKeyDictionary()


async def _cdp(page: Page) -> CDPSession:
    """One DevTools session per page, opened on first use and dropped with the page."""
    session = _cdp_sessions.get(page)
    if session is None:
        session = _cdp_sessions[page] = await page.context.new_cdp_session(page)
    return session


@dataclass
class _Dom:
    """What DOMSnapshot tells us per backend node: our id attribute, link target, and layout box."""

    ids: dict[int, int]
    hrefs: dict[int, str]
    boxes: dict[int, tuple[float, float, float, float]]


async def _dom_facts(cdp: CDPSession) -> _Dom:
    snap = await cdp.send("DOMSnapshot.captureSnapshot", {"computedStyles": []})
    strings: list[str] = snap["strings"]
    document = snap["documents"][0]
    nodes = document["nodes"]
    backend_ids: list[int] = nodes["backendNodeId"]
    ids: dict[int, int] = {}
    hrefs: dict[int, str] = {}
    for index, attributes in enumerate(nodes.get("attributes", [])):
        for k in range(0, len(attributes), 2):
            name = strings[attributes[k]]
            if name == ID_ATTRIBUTE:
                value = strings[attributes[k + 1]]
                if value.isdigit():
                    ids[backend_ids[index]] = int(value)
            elif name == "href":
                hrefs[backend_ids[index]] = strings[attributes[k + 1]]
    layout = document["layout"]
    boxes = {backend_ids[i]: tuple(b) for i, b in zip(layout["nodeIndex"], layout["bounds"])}
    return _Dom(ids=ids, hrefs=hrefs, boxes=boxes)  # type: ignore[arg-type]


def _quote(text: str) -> str:
    return '"' + " ".join(text.split()).replace('"', "'") + '"'


def _short_url(href: str, page_url: str) -> str:
    """Same-origin links as a path (fewer tokens), others absolute."""
    absolute = urljoin(page_url, href)
    here, there = urlsplit(page_url), urlsplit(absolute)
    if (here.scheme, here.netloc) == (there.scheme, there.netloc):
        return there.path + (f"?{there.query}" if there.query else "") or "/"
    return absolute


class _Formatter:
    """Walks Chrome's accessibility tree and writes one line per element worth reading."""

    def __init__(self, ax_nodes: list[dict[str, Any]], dom: _Dom, page_url: str, options: ObservationOptions,
                 viewport: tuple[float, float, float, float]):
        self.nodes = {node["nodeId"]: node for node in ax_nodes}
        self.dom = dom
        self.page_url = page_url
        self.options = options
        self.viewport = viewport
        self.ids: list[int] = []
        self.control_names = {
            self._name(n) for n in ax_nodes
            if self._role(n) in _VALUE_ROLES | {"checkbox", "radio", "button", "switch"} and self._name(n)
        }

    @staticmethod
    def _role(node: dict[str, Any]) -> str:
        return str(node.get("role", {}).get("value", ""))

    @staticmethod
    def _name(node: dict[str, Any]) -> str:
        return " ".join(str(node.get("name", {}).get("value", "") or "").split())

    def _in_viewport(self, node: dict[str, Any]) -> bool | None:
        box = self.dom.boxes.get(node.get("backendDOMNodeId", -1))
        if box is None:
            return None
        x, y, w, h = box
        sx, sy, vw, vh = self.viewport
        return w > 0 and h > 0 and x < sx + vw and x + w > sx and y < sy + vh and y + h > sy

    def _props(self, node: dict[str, Any], role: str) -> str:
        props: dict[str, Any] = {p["name"]: p.get("value", {}).get("value") for p in node.get("properties", [])}
        parts: list[str] = []
        if role in _VALUE_ROLES:
            value = node.get("value", {}).get("value")
            if value not in (None, ""):
                parts.append(f"value={_quote(str(value))}")
        checked = props.get("checked")
        if checked not in (None, "false", False):
            parts.append("checked" if checked in ("true", True) else f"checked={checked}")
        for name in _BOOLEAN_PROPS:
            value = props.get(name)
            if value in (True, "true"):
                if name == "focused" and role == "RootWebArea":
                    continue
                parts.append(name)
            elif name == "expanded" and value in (False, "false") and role == "combobox":
                continue
        if role == "link" and self.options.link_urls:
            href = self.dom.hrefs.get(node.get("backendDOMNodeId", -1))
            if href and not href.startswith(("javascript:", "#")):
                parts.append(f"url={_short_url(href, self.page_url)}")
        return (" " + " ".join(parts)) if parts else ""

    def lines(self) -> list[str]:
        root = next((n for n in self.nodes.values() if self._role(n) == "RootWebArea"), None)
        if root is None:
            return []
        return list(self._walk(root, depth=-1, parent_name=self._name(root)))

    def _children(self, node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for child_id in node.get("childIds", []):
            child = self.nodes.get(child_id)
            if child is not None:
                yield child

    def _walk(self, node: dict[str, Any], depth: int, parent_name: str) -> Iterator[str]:
        """Yields the lines of this node and its subtree; `depth` is the indentation of printed ancestors."""
        role = self._role(node)
        if role in _SKIP_SUBTREE_ROLES:
            return
        name = self._name(node)
        backend = node.get("backendDOMNodeId", -1)
        element_id = self.dom.ids.get(backend)
        ignored = bool(node.get("ignored"))
        if role == "RootWebArea":
            yield from self._walk_children(node, depth, name)
            return
        if role == "LabelText" and self._text_of(node) in self.control_names:
            return  # the label's text is already the name of the control it labels
        if ignored or (role in _WRAPPER_ROLES and not name) or role in ("LabelText", "MenuListPopup"):
            yield from self._walk_children(node, depth, parent_name)
            return
        if role in _TEXT_ROLES:
            return  # text is merged and emitted by the parent (see _walk_children)
        if self.options.viewport_only and self._in_viewport(node) is False and not self._has_visible_descendant(node):
            return
        indent = "  " * (depth + 1)
        label = f"[{element_id}] " if element_id is not None else ""
        if element_id is not None:
            self.ids.append(element_id)
        shown_name = f" {_quote(name)}" if name else ""
        yield f"{indent}{label}{role}{shown_name}{self._props(node, role)}"
        if role in _VALUE_ROLES - {"combobox"}:
            return  # a text field's subtree is its own value, already printed
        if role == "combobox":
            yield from self._options(node, depth + 1)
            return
        yield from self._walk_children(node, depth + 1, name)

    def _has_visible_descendant(self, node: dict[str, Any]) -> bool:
        for child in self._children(node):
            if self._in_viewport(child) or self._has_visible_descendant(child):
                return True
        return False

    def _text_of(self, node: dict[str, Any]) -> str:
        parts: list[str] = []
        for child in self._children(node):
            if self._role(child) in _TEXT_ROLES:
                parts.append(str(child.get("name", {}).get("value", "")))
            elif self._role(child) not in _SKIP_SUBTREE_ROLES:
                parts.append(self._text_of(child))
        return " ".join("".join(parts).split())

    def _options(self, combobox: dict[str, Any], depth: int) -> Iterator[str]:
        options: list[dict[str, Any]] = []
        stack = list(self._children(combobox))
        while stack:
            child = stack.pop(0)
            if self._role(child) == "option":
                options.append(child)
            else:
                stack[:0] = list(self._children(child))
        indent = "  " * (depth + 1)
        for option in options[:MAX_OPTIONS]:
            element_id = self.dom.ids.get(option.get("backendDOMNodeId", -1))
            if element_id is not None:
                self.ids.append(element_id)
            label = f"[{element_id}] " if element_id is not None else ""
            yield f"{indent}{label}option {_quote(self._name(option))}{self._props(option, 'option')}"
        if len(options) > MAX_OPTIONS:
            yield f"{indent}… {len(options) - MAX_OPTIONS} more options"

    def _walk_children(self, node: dict[str, Any], depth: int, parent_name: str) -> Iterator[str]:
        """Children in order; runs of adjacent text nodes become one StaticText line (unless they only repeat
        the parent's name, as a link's own text does)."""
        pending: list[dict[str, Any]] = []

        def flush() -> Iterator[str]:
            if not pending:
                return
            text = " ".join("".join(str(t.get("name", {}).get("value", "")) for t in pending).split())
            visible = not self.options.viewport_only or any(self._in_viewport(t) for t in pending)
            pending.clear()
            if text and visible and text != parent_name and text not in self.control_names:
                yield f"{'  ' * (depth + 1)}StaticText {_quote(text)}"

        for child in self._children(node):
            if self._role(child) in _TEXT_ROLES and not child.get("ignored"):
                pending.append(child)
                continue
            yield from flush()
            yield from self._walk(child, depth, parent_name)
        yield from flush()


async def snapshot(page: Page, options: ObservationOptions | None = None) -> Snapshot:
    """Inject ids, read the accessibility tree, and render it as WebArena-style lines within the budget."""
    options = options or ObservationOptions()
    await inject_ids(page)
    cdp = await _cdp(page)
    dom = await _dom_facts(cdp)
    ax = await cdp.send("Accessibility.getFullAXTree")
    viewport = tuple(await page.evaluate(_VIEWPORT))
    formatter = _Formatter(ax["nodes"], dom, page.url, options, viewport)  # type: ignore[arg-type]
    lines = formatter.lines()
    text, truncated = _fit(lines, options.token_budget)
    title = await page.title()
    # Focus moves with every click; it must not make an action that changed nothing look like progress.
    visible = _FOCUSED.sub("", text)
    fingerprint = hashlib.sha256(f"{page.url}\n{visible}".encode()).hexdigest()[:16]
    return Snapshot(url=page.url, title=title, text=text, ids=formatter.ids, truncated=truncated,
                    fingerprint=fingerprint, tokens=estimate_tokens(text))


def _fit(lines: list[str], budget: int) -> tuple[str, bool]:
    """Keep whole lines up to the budget and say how much was cut, so the model knows to scroll or search."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        cost = estimate_tokens(line) + 1
        if used + cost > budget:
            kept.append(f"… {len(lines) - index} more lines not shown (observation budget {budget} tokens); "
                        "scroll or narrow the page to see them")
            return "\n".join(kept), True
        kept.append(line)
        used += cost
    return "\n".join(kept), False
