"""Exactly-once actions: a journal of what each action sent to the server, written before it is sent.

The checkpoint after the observe node is the proof that an action ran. A process killed after an action reached
the server but before that checkpoint was written would, on resume, find the action still pending — and
replaying it blindly posts a comment twice, or stars a project and then un-stars it. So each action's start and
every request with consequences it causes (a navigation, a POST) go into the LangGraph store — the same
database as the checkpoints (`graph.checkpoint.open_durable`), or the server's store under `langgraph dev` — the
moment they happen, before the request leaves the browser. A resumed episode (or one whose browser crashed
mid-action) reads the entry and decides:

- nothing was sent: the action had at most effects inside the browser, which went down with it — run it again;
- every request was answered (or the only one left is the GET following an answered redirect): it took effect —
  do not repeat it, put the browser where it ended up;
- a request was sent but its answer never recorded: nobody can know — do not repeat it, and tell the executor
  and replanner that the outcome is unknown, so they look before acting again.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from langgraph.store.base import BaseStore

from graph.state import ToolCall
from tools import secrets
from tools.network_guard import SentRequest
from tools.vocabulary import format_action

NAMESPACE = ("plan_and_act", "actions")


class ActionJournal:
    """One episode's journal; `store` None keeps it in memory only (still enough for a browser crash)."""

    def __init__(self, store: BaseStore | None, episode_id: str) -> None:
        self.store = store
        self.namespace = (*NAMESPACE, episode_id)
        self.entry: dict[str, Any] | None = None

    async def start(self, call: ToolCall, url: str) -> None:
        self.entry = {"call_id": call["id"], "action": call["name"], "args": call["args"], "url": url,
                      "started_at": time.time(), "requests": []}
        await self._save()

    async def sending(self, request: SentRequest) -> None:
        if self.entry is not None:
            self.entry["requests"].append(asdict(request))
            await self._save()

    async def answered(self, request: SentRequest) -> None:
        if self.entry is None:
            return
        for sent in reversed(self.entry["requests"]):
            if sent["url"] == request.url and sent["method"] == request.method and not sent["status"]:
                sent.update(status=request.status, location=request.location)
                break
        await self._save()

    async def _save(self) -> None:
        if self.store is not None and self.entry is not None:
            await self.store.aput(self.namespace, self.entry["call_id"], secrets.redact_value(self.entry))

    async def read(self, call_id: str) -> dict[str, Any] | None:
        if self.entry is not None and self.entry["call_id"] == call_id:
            return self.entry
        if self.store is None:
            return None
        item = await self.store.aget(self.namespace, call_id)
        return dict(item.value) if item is not None else None

    async def forget(self) -> None:
        """The episode is over: its entries are history the checkpoints already hold."""
        if self.store is None:
            return
        for item in await self.store.asearch(self.namespace, limit=10_000):
            await self.store.adelete(self.namespace, item.key)


@dataclass(frozen=True)
class Outcome:
    """What became of an action the episode did not see finish."""

    rerun: bool  # nothing reached the server: run it (again)
    ok: bool  # it took effect
    landing_url: str  # where the browser should be put back ("" = the page the action started on)
    explanation: str  # for the step's result, in words the executor and replanner read


def outcome(entry: dict[str, Any] | None, call: ToolCall, why: str) -> Outcome:
    """`why` says what interrupted the action ("the episode was stopped", "the browser crashed")."""
    action = format_action(call["name"], call["args"])
    sent = (entry or {}).get("requests") or []
    if not sent:
        return Outcome(rerun=True, ok=False, landing_url="", explanation="")
    described = ", ".join(f"{r['method']} {r['url']}" + (f" (answered {r['status']})" if r["status"] else "")
                          for r in sent)
    # A GET to where an answered request redirected is the browser following that redirect (post/redirect/get):
    # the action took effect with the redirect's answer, and a GET is safe to make again, so its missing answer
    # leaves nothing unknown. Any other unanswered request might have changed something.
    redirect_targets = {r["location"] for r in sent if r["status"] and r["location"]}
    unanswered = [r for r in sent if not r["status"] and not (r["method"] == "GET" and r["url"] in redirect_targets)]
    if unanswered:
        return Outcome(rerun=False, ok=False, landing_url="", explanation=(
            f"error: {why} while {action} was waiting for an answer to {unanswered[0]['method']} "
            f"{unanswered[0]['url']}; it may or may not have taken effect, so it was not repeated. Look at the "
            "page to find out before doing it again."))
    # Where the browser was going: the last page-level request's redirect target (the browser would have followed
    # it; a 303 after a form post is a GET, safe to make again) or that request's own URL.
    main_frame = [r for r in sent if r["main_frame"]]
    landing = (main_frame[-1]["location"] or main_frame[-1]["url"]) if main_frame else ""
    return Outcome(rerun=False, ok=True, landing_url=landing, explanation=(
        f"{why} right after {action} had taken effect ({described}); it was not repeated"
        + (f"; the page is now {landing}" if landing else "")))
