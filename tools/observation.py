"""Turn a live page into the compact text the models read, with ids that stay put while the page changes.

Why this shape:
- Ids are attributes injected into the DOM (BrowserGym's approach), not positions in a list: an element keeps its
  id for the life of the document, so an id printed in one observation still names the same element after the
  page re-renders around it, and an action resolves it with a plain CSS selector (in whichever frame holds it).
- One walk of the DOM inside the page (`page_scan`) gives roles and names as ARIA defines them (what Playwright's
  `get_by_role` and a screen reader use), every frame and open shadow root, and the interactive elements the
  accessibility tree leaves unnamed (script-made clickables). It is several times faster than fetching Chrome's
  full accessibility tree, which matters on big pages.
- Lines are WebArena's: `[12] button "Add to cart"`, with value/checked/selected state, link targets, headings
  and text kept, invisible nodes pruned. A budget in real tokens (o200k) caps the text; when it cuts, the last
  line says what was cut, and only the ids actually printed are listed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Page

from tools import secrets, tokens
from tools.date_input import FORMATS as DATE_FORMATS
from tools.page_scan import ELEMENT, FRAME, ID_ATTRIBUTE, TEXT, Box, Node, PageScan, scan_page

__all__ = ["ID_ATTRIBUTE", "ObservationOptions", "Snapshot", "snapshot", "render", "legend"]

MAX_OPTIONS = 25
_FOCUSED = re.compile(r" focused(?=\s|$)", re.M)
_LINE_ID = re.compile(r"^\s*\[(\d+)\] ")
# Roles a person acts on: these get a mark (their id drawn on the element) in set-of-marks screenshots.
MARKED_ROLES = frozenset({"button", "link", "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio",
                          "switch", "slider", "spinbutton", "tab", "menuitem", "menuitemcheckbox", "menuitemradio",
                          "treeitem", "gridcell", "clickable", "focusable"})  # options: their dropdown is marked
_FLAGS = ("checked", "selected", "expanded", "pressed", "disabled", "readonly", "required", "focused", "clickable")


@dataclass(frozen=True)
class ObservationOptions:
    """viewport_only: only what is on screen now (the paper's executor sees the viewport). token_budget: cut
    the text after this many o200k tokens. timeout_s: the longest one frame may take to read."""

    viewport_only: bool = False
    token_budget: int = 6000
    link_urls: bool = True
    timeout_s: float = 10.0


@dataclass
class Snapshot:
    url: str
    title: str
    text: str  # the element lines only; the prompt adds the page header
    ids: list[int]  # ids printed in `text`, in order
    truncated: bool
    fingerprint: str  # changes when anything the model can see changes (loop detection compares these)
    tokens: int = 0  # o200k tokens of `text`
    tabs: list[dict[str, Any]] = field(default_factory=list)
    boxes: dict[int, Box] = field(default_factory=dict)  # printed id -> its box, for those in the viewport
    marks: dict[int, Box] = field(default_factory=dict)  # the interactive ones among them (set-of-marks)
    sensitive: list[Box] = field(default_factory=list)  # boxes showing a password or a secret's value (masked)
    viewport: Box = (0.0, 0.0, 0.0, 0.0)
    problems: list[str] = field(default_factory=list)


def _quote(text: str) -> str:
    return '"' + " ".join(text.split()).replace('"', "'") + '"'


def _short_url(absolute: str, page_url: str) -> str:
    """Same-origin links as a path (fewer tokens), others absolute."""
    here, there = urlsplit(page_url), urlsplit(absolute)
    if (here.scheme, here.netloc) == (there.scheme, there.netloc) and there.scheme in ("http", "https"):
        return (there.path or "/") + (f"?{there.query}" if there.query else "")
    return absolute


def _props(node: Node, page_url: str, options: ObservationOptions) -> str:
    props = node.props
    parts: list[str] = []
    kind = props.get("type")
    if kind in DATE_FORMATS:
        parts.append(f"type={kind} format={DATE_FORMATS[kind]}")
    if "value" in props:
        parts.append(f"value={_quote(str(props['value']))}")
    if "password" in props:
        parts.append(f"value=\"{'•' * min(int(props['password']), 12)}\"")
    for flag in _FLAGS:
        value = props.get(flag)
        if value is True or value == "true":
            parts.append(flag)
        elif value == "mixed":
            parts.append(f"{flag}=mixed")
    if node.role == "link" and options.link_urls:
        url = str(props.get("url") or "")
        if url and not url.startswith(("javascript:", "#")) and "#" not in url[:1]:
            parts.append(f"url={_short_url(url, page_url)}")
    return (" " + " ".join(parts)) if parts else ""


def _line(node: Node, page_url: str, options: ObservationOptions) -> str:
    indent = "  " * node.depth
    if node.kind == TEXT:
        if node.role == "more":
            return f"{indent}{node.name}"
        return f"{indent}StaticText {_quote(node.name)}"
    name = f" {_quote(node.name)}" if node.name else ""
    return f"{indent}[{node.id}] {node.role}{name}{_props(node, page_url, options)}"


def _visible(box: Box, clip: Box) -> bool:
    x, y, w, h = box
    cx, cy, cw, ch = clip
    if w <= 0 and h <= 0:
        return False
    return x < cx + cw and x + max(w, 1) > cx and y < cy + ch and y + max(h, 1) > cy


def _on_screen(nodes: list[Node]) -> list[Node]:
    """Nodes in the viewport, plus the ancestors that give them context."""
    parents: list[int] = []
    stack: list[int] = []  # indices of the open ancestors
    for index, node in enumerate(nodes):
        while stack and nodes[stack[-1]].depth >= node.depth:
            stack.pop()
        parents.append(stack[-1] if stack else -1)
        stack.append(index)
    keep = [False] * len(nodes)
    for index, node in enumerate(nodes):
        if not _visible(node.box, node.clip):
            continue
        while index >= 0 and not keep[index]:
            keep[index] = True
            index = parents[index]
    return [node for node, kept in zip(nodes, keep) if kept]


def _cut_notice(cut: list[Node], budget: int) -> str:
    """What the budget left out, so the model knows whether to scroll, search, or narrow the page."""
    roles = Counter(n.role for n in cut if n.kind != TEXT)
    text_lines = sum(1 for n in cut if n.kind == TEXT)
    counted = ", ".join(f"{count} {role}{'s' if count > 1 else ''}" for role, count in roles.most_common(6))
    headings = [n.name[:60] for n in cut if n.role == "heading" and n.name][:5]
    parts = [f"… {len(cut)} more lines not shown (observation budget {budget} tokens)"]
    if counted:
        parts.append(f"they include {counted}" + (f" and {text_lines} text lines" if text_lines else ""))
    if headings:
        parts.append("sections: " + "; ".join(_quote(h) for h in headings))
    parts.append("scroll, search or open a narrower page to see them")
    return "; ".join(parts)


def _fit(nodes: list[Node], lines: list[str], budget: int) -> tuple[int, str, int]:
    """Keep whole lines while the text stays within `budget` real tokens, the cut notice included.
    Returns (lines kept, the notice or "", exact token count of the result)."""
    costs = tokens.count_each([line + "\n" for line in lines])
    if sum(costs) <= budget + 16:  # per-line counts are within a few tokens of the joined text's
        total = tokens.count("\n".join(lines))
        if total <= budget:
            return len(lines), "", total
    reserve = tokens.count(_cut_notice(nodes, budget)) + 8  # the notice when everything is cut is about the longest
    keep, used = 0, 0
    for cost in costs:
        if used + cost > budget - reserve:
            break
        used += cost
        keep += 1
    while True:
        notice = _cut_notice(nodes[keep:], budget)
        total = tokens.count("\n".join(lines[:keep] + [notice]))
        if total <= budget or keep == 0:
            return keep, notice, total
        keep -= 1  # the per-line sum was a hair optimistic: drop one more line


def _sensitive(nodes: list[Node]) -> list[Box]:
    """Boxes in view that show a password field or any configured secret's value (a field or echoed text)."""
    values = [v for v in secrets.available_secrets().values() if v]
    found = []
    for node in nodes:
        shown = f"{node.name}\n{node.props.get('value', '')}"
        if ("password" in node.props or any(v in shown for v in values)) and _visible(node.box, node.clip):
            found.append(node.box)
    return found


def render(scan: PageScan, page_url: str, options: ObservationOptions) -> tuple[str, list[int], bool, int,
                                                                               dict[int, Box]]:
    """(text, printed ids, truncated, tokens, boxes of printed ids in view) for a scan."""
    nodes = [n for n in scan.nodes if n.kind != FRAME or n.id is not None]
    if options.viewport_only:
        nodes = _on_screen(nodes)
    lines = [_line(node, page_url, options) for node in nodes]
    keep, notice, count = _fit(nodes, lines, options.token_budget)
    shown = nodes[:keep]
    text = "\n".join(lines[:keep] + ([notice] if notice else []))
    ids = [n.id for n in shown if n.id is not None and n.kind in (ELEMENT, FRAME)]
    boxes = {n.id: n.box for n in shown if n.id is not None and _visible(n.box, n.clip)}
    return text, ids, bool(notice), count, boxes


async def snapshot(page: Page, options: ObservationOptions | None = None) -> Snapshot:
    """Read the page (every frame), render WebArena-style lines within the budget, and fingerprint them."""
    options = options or ObservationOptions()
    await tokens.ready()
    scan = await scan_page(page, timeout_s=options.timeout_s, max_options=MAX_OPTIONS)
    text, ids, truncated, count, boxes = render(scan, page.url, options)
    interactive = {n.id for n in scan.nodes if n.id in boxes and (n.role in MARKED_ROLES or n.props.get("clickable"))}
    title = scan.title
    # Focus moves with every click; it must not make an action that changed nothing look like progress.
    visible = _FOCUSED.sub("", text)
    fingerprint = hashlib.sha256(f"{page.url}\n{visible}".encode()).hexdigest()[:16]
    return Snapshot(url=page.url, title=title, text=text, ids=ids, truncated=truncated, fingerprint=fingerprint,
                    tokens=count, boxes=boxes, marks={i: boxes[i] for i in ids if i in interactive},
                    sensitive=_sensitive(scan.nodes), viewport=scan.viewport, problems=scan.problems)


def legend(snap: Snapshot) -> tuple[str, list[int]]:
    """The marked elements' lines (what the ids drawn on a screenshot are), unindented: (text, ids)."""
    lines, ids = [], []
    for line in snap.text.splitlines():
        match = _LINE_ID.match(line)
        if match and int(match.group(1)) in snap.marks:
            lines.append(line.strip())
            ids.append(int(match.group(1)))
    return "\n".join(lines) or "(no interactive elements in view)", ids
