"""Scan a page and every frame in it (same-origin and cross-origin, nested) into one list of nodes.

`page_scan.js` reads one document; this module runs it in the main frame and then in each child frame (in
Chromium a cross-origin frame lives in another process, so only a per-frame evaluation reaches it), splices each
frame's nodes under its `<iframe>` line, and moves frame coordinates into the top viewport. Ids come from one
page-wide counter, so `[57]` means one element whichever frame holds it; `frame_of` remembers which frame that
is for the actions.

Every evaluation has a timeout: a page whose script never yields costs one bounded wait, not the episode.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page

ID_ATTRIBUTE = "data-pa-id"
_NEXT_ATTRIBUTE = "data-pa-next"
_SCRIPT = resources.files("tools").joinpath("page_scan.js").read_text(encoding="utf-8")
MAX_FRAMES = 40
MAX_FRAME_DEPTH = 6

ELEMENT, TEXT, FRAME = 0, 1, 2
_RAISE_NEXT = """([attr, next]) => {
  const root = document.documentElement;
  if (root && Number(root.getAttribute(attr) || 1) < next) root.setAttribute(attr, String(next));
}"""

Box = tuple[float, float, float, float]


@dataclass
class Node:
    """One line to be: an element (with its id) or a run of text, at an indentation depth, with its box in the
    top page's viewport coordinates and the box of the frame that clips it."""

    kind: int
    depth: int
    id: int | None
    role: str
    name: str
    props: dict[str, Any]
    box: Box
    clip: Box


@dataclass
class PageScan:
    nodes: list[Node]
    viewport: Box  # (0, 0, width, height) of the top page
    title: str = ""  # the top document's title (read in the same round trip)
    frames: dict[int, Frame] = field(default_factory=dict)  # element id -> its frame, for ids outside the main frame
    problems: list[str] = field(default_factory=list)  # frames that could not be read, and why


# Which frame each id lives in, per page, from the latest scan (ids in the main frame are not listed).
_frames_by_page: weakref.WeakKeyDictionary[Page, dict[int, Frame]] = weakref.WeakKeyDictionary()


def frame_of(page: Page, element_id: int) -> Frame | None:
    """The child frame that held this id in the latest scan, if it is still attached."""
    frame = _frames_by_page.get(page, {}).get(element_id)
    if frame is None or frame.is_detached():
        return None
    return frame


async def _evaluate(frame: Frame, script: str, arg: Any, timeout_s: float) -> Any:
    return await asyncio.wait_for(frame.evaluate(script, arg), timeout_s)


class _Scanner:
    def __init__(self, page: Page, timeout_s: float, max_options: int, name_limit: int):
        self.page = page
        self.timeout_s = timeout_s
        self.max_options = max_options
        self.name_limit = name_limit
        self.next_id = 1
        self.frames: dict[int, Frame] = {}
        self.problems: list[str] = []
        self.frame_count = 0
        self.title = ""

    async def scan(self, frame: Frame, depth: int, offset: tuple[float, float], clip: Box,
                   level: int = 0) -> tuple[list[Node], Box]:
        args = {"attr": ID_ATTRIBUTE, "start": self.next_id, "maxOptions": self.max_options,
                "nameLimit": self.name_limit}
        result = json.loads(await _evaluate(frame, _SCRIPT, args, self.timeout_s))
        if level == 0:
            self.title = str(result.get("title") or "")
        self.next_id = max(self.next_id, int(result["next"]))
        _sx, _sy, width, height = result["viewport"]
        dx, dy = offset
        own_clip = _intersect(clip, (dx, dy, width, height))
        records: list[list[Any]] = result["records"]
        children = await self._child_frames(frame, records) if any(r[0] == FRAME for r in records) else {}
        nodes: list[Node] = []
        for kind, rec_depth, element_id, role, name, props, x, y, w, h in records:
            box = (x + dx, y + dy, w, h)
            node = Node(kind, rec_depth + depth, element_id, role, name, props or {}, box, own_clip)
            nodes.append(node)
            if level and element_id is not None:
                self.frames[element_id] = frame
            if kind != FRAME:
                continue
            child = children.get(element_id)
            if child is None:
                continue
            if level + 1 > MAX_FRAME_DEPTH or self.frame_count >= MAX_FRAMES:
                nodes.append(self._note(node, "(frame not read: too many nested frames)"))
                continue
            self.frame_count += 1
            try:
                # The frame's viewport starts at the iframe's content box; borders are a pixel or two.
                inner, _ = await self.scan(child, node.depth + 1, (box[0], box[1]), own_clip, level + 1)
                nodes.extend(inner)
            except (TimeoutError, PlaywrightError) as exc:
                reason = "timed out" if isinstance(exc, asyncio.TimeoutError) else _first_line(exc)
                self.problems.append(f"frame {child.url}: {reason}")
                nodes.append(self._note(node, f"(frame could not be read: {reason})"))
        return nodes, (0, 0, width, height)

    @staticmethod
    def _note(frame_node: Node, text: str) -> Node:
        return Node(TEXT, frame_node.depth + 1, None, "StaticText", text, {}, frame_node.box, frame_node.clip)

    async def _child_frames(self, frame: Frame, records: list[list[Any]]) -> dict[int, Frame]:
        """iframe element id -> the frame it shows."""
        found: dict[int, Frame] = {}
        for child in frame.child_frames:
            if child.is_detached():
                continue
            try:
                handle = await asyncio.wait_for(child.frame_element(), self.timeout_s)
                value = await asyncio.wait_for(handle.get_attribute(ID_ATTRIBUTE), self.timeout_s)
                await handle.dispose()
            except (TimeoutError, PlaywrightError):
                continue
            if value and value.isdigit():
                found[int(value)] = child
        return found


def _intersect(a: Box, b: Box) -> Box:
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    return (x1, y1, max(0.0, x2 - x1), max(0.0, y2 - y1))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


async def scan_page(page: Page, *, timeout_s: float = 10.0, max_options: int = 25, name_limit: int = 300) -> PageScan:
    """Nodes of the whole page, frames included; raises PlaywrightError/TimeoutError only for the main frame."""
    scanner = _Scanner(page, timeout_s, max_options, name_limit)
    main = page.main_frame
    nodes, viewport = await scanner.scan(main, 0, (0.0, 0.0), (0.0, 0.0, float("inf"), float("inf")))
    if scanner.frame_count:
        # Child frames took ids after the main document's counter: move its counter past them.
        try:
            await _evaluate(main, _RAISE_NEXT, [_NEXT_ATTRIBUTE, scanner.next_id], scanner.timeout_s)
        except PlaywrightError:
            pass
    _frames_by_page[page] = scanner.frames
    return PageScan(nodes=nodes, viewport=viewport, title=scanner.title, frames=scanner.frames,
                    problems=scanner.problems)
