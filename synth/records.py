"""The record shapes stages pass each other, and the pages they point at.

Every record has `id` (a content hash), `kind` and `site`. Records that start on a page carry it inline
(`page`: url, title, text, tabs — what the runtime's prompt shows) or point at it by `page_id`; stages that
write many records pointing at few pages (expand, augment, queries) put the pages once in `<out>.pages.jsonl`.
Kinds: `trajectory` (collect), `grounded_plan` (annotate), `replan` (replans), `query` (queries),
`synthetic_plan` (expand, augment), `cot_plan` / `cot_action` (cot), `failure` (failures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synth.jsonl import content_hash, read_jsonl, write_jsonl


def record_id(kind: str, content: Mapping[str, Any]) -> str:
    return content_hash(kind, {k: v for k, v in content.items() if k != "id"})


def page_view(observation: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The parts of an observation a prompt renders."""
    if not observation:
        return None
    return {"url": observation.get("url", ""), "title": observation.get("title", ""),
            "text": observation.get("text", ""), "tabs": list(observation.get("tabs") or [])}


def page_id(page: Mapping[str, Any] | None) -> str:
    return content_hash("page", page_view(page))


def pages_path(out: Path) -> Path:
    stem = out.name.removesuffix(".jsonl")
    return out.with_name(stem + ".pages.jsonl")


class PageStore:
    """Pages by id, from records that carry them inline and from the `.pages.jsonl` files beside inputs."""

    def __init__(self) -> None:
        self.pages: dict[str, dict[str, Any]] = {}

    def add(self, page: Mapping[str, Any] | None) -> str:
        view = page_view(page)
        if view is None:
            return ""
        key = page_id(view)
        self.pages.setdefault(key, view)
        return key

    def get(self, key: str) -> dict[str, Any] | None:
        return self.pages.get(key)

    def load_beside(self, inputs: Iterable[Path]) -> None:
        for path in inputs:
            for record in read_jsonl(pages_path(Path(path))):
                self.pages.setdefault(record["id"], record["page"])

    def page_of(self, record: Mapping[str, Any]) -> dict[str, Any] | None:
        if record.get("page"):
            return page_view(record["page"])
        return self.get(str(record.get("page_id", "")))

    def write(self, out: Path, keys: Iterable[str]) -> Path:
        wanted = sorted(set(keys) & set(self.pages))
        path = pages_path(out)
        write_jsonl(path, ({"id": key, "page": self.pages[key]} for key in wanted))
        return path


@dataclass(frozen=True)
class Seed:
    """An (intent, plan, first page) example that new data is written from."""

    id: str
    site: str
    intent: str
    plan: str  # the plan in the runtime's text format ("" for a query-only seed)
    page: dict[str, Any] | None
    start_url: str  # as in the task config (site placeholders such as __SHOPPING__ kept)
    sites: tuple[str, ...] = ()

    def prompt_view(self) -> dict[str, Any]:
        return {"site": self.site, "intent": self.intent, "plan": self.plan, "observation": self.page}


def seeds_from(records: Sequence[Mapping[str, Any]], pages: PageStore) -> list[Seed]:
    """Seeds from grounded plans, synthetic plans, queries or trajectories (whatever has an intent and a page)."""
    seeds = []
    for record in records:
        page = pages.page_of(record)
        if page is None and record.get("kind") == "trajectory":
            page = first_page(record)
        task = record.get("task") or {}
        intent = record.get("intent") or task.get("intent", "")
        if not intent:
            continue
        site = str(record.get("site") or task.get("group", ""))
        seeds.append(Seed(id=str(record.get("id") or record_id("seed", record)), site=site, intent=str(intent),
                          plan=str(record.get("plan_text", "")), page=page,
                          start_url=str(record.get("start_url") or task.get("start_url")
                                        or (page or {}).get("url", "")),
                          sites=tuple(record.get("sites") or task.get("sites") or ([site] if site else []))))
    return seeds


def first_page(trajectory: Mapping[str, Any]) -> dict[str, Any] | None:
    """The page the planner saw: the first action's page, or the only observation of an episode with none."""
    state = trajectory.get("state") or {}
    history = state.get("history") or []
    if history:
        return page_view(history[0].get("page"))
    return page_view(state.get("observation"))
