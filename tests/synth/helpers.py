"""Shared test data for the pipeline's tests: seed records on a made-up page, and teacher replies."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage

from synth.jsonl import write_jsonl
from synth.teacher import RetryPolicy, make_teacher
from tests.support.openai_server import Delay, Fault

FAST_RETRY = RetryPolicy(attempts=4, base_seconds=0.01, cap_seconds=0.05, timeout_seconds=5.0)
TEACHER = "openai:teacher-model"

PAGE_TEXT = ('[1] link "Orders"\n[2] searchbox "Search"\n[3] button "Search"\n[4] link "Reviews"\n'
             '[5] heading "Dashboard"')


def page(site: str) -> dict[str, Any]:
    return {"url": f"http://127.0.0.1:9/{site}/", "title": f"{site} home", "text": PAGE_TEXT, "tabs": []}


def plan_text(*instructions: str) -> str:
    return "\n\n".join(f"## Step {n}\nReasoning: because step {n} is needed\nStep: {text}"
                       for n, text in enumerate(instructions, start=1))


def seed_records(count_per_site: int = 3, sites: tuple[str, ...] = ("shopping", "reddit")) -> list[dict[str, Any]]:
    records = []
    for site in sites:
        for n in range(count_per_site):
            records.append({"id": f"seed-{site}-{n}", "kind": "grounded_plan", "site": site, "sites": [site],
                            "intent": f"Show the {['newest', 'oldest', 'largest'][n % 3]} {site} item {n}",
                            "plan_text": plan_text(f"Click 'Orders' on the {site} page", "Stop with the answer"),
                            "page": page(site), "start_url": f"__{site.upper()}__/"})
    return records


def write_seeds(tmp_path: Path, **kwargs: Any) -> Path:
    path = tmp_path / "seeds.jsonl"
    write_jsonl(path, seed_records(**kwargs))
    return path


_WORDS = ("red", "blue", "green", "amber", "violet", "silver", "golden", "ivory", "coral", "teal", "olive", "plum",
          "wool", "linen", "cotton", "denim", "leather", "velvet", "canvas", "satin")
_PAIRS = itertools.count()


def fresh_intent() -> str:
    """A new intent each call that is no near-duplicate of another: five words drawn by a hash of a counter."""
    digest = hashlib.sha256(str(next(_PAIRS)).encode()).digest()
    return "Find the " + " ".join(_WORDS[b % len(_WORDS)] for b in digest[:5]) + " listings"


def first_user(messages: list[BaseMessage]) -> str:
    return next(str(m.content) for m in messages if isinstance(m, HumanMessage))


def good_pairs(messages: list[BaseMessage], count: int = 10) -> str:
    """A valid expand reply: `count` fresh pairs, cycling over the seeds shown."""
    shown = first_user(messages).count("### Example ")
    return json.dumps([{"seed": 1 + i % shown, "intent": fresh_intent(),
                        "plan": plan_text("Click 'Orders'", "Stop with the count")} for i in range(count)])


def noting_calls(script: Callable[[list[BaseMessage]], Any], phrase: str, prompts: list[str]):
    """`script`, noting in `prompts` the question of every teacher call whose prompt has `phrase`, once per call.

    A call is noted when its own first question is answered: a fault on it is retried with the same messages
    and a correction round adds messages, so neither is mistaken for another call."""

    def serve(messages: list[BaseMessage]) -> Any:
        reply = script(messages)
        question = first_user(messages)
        if phrase in question and len(messages) == 2 and not isinstance(reply, (Fault, Delay)):
            prompts.append(question)
        return reply

    return serve


def sites_shown(prompt: str) -> list[str]:
    """The website of each seed a generation prompt shows, in the order shown."""
    return re.findall(r"^Website: (.+)$", prompt, re.M)


def asked_for(prompt: str) -> int:
    """How many new items a generation prompt asks for."""
    found = re.search(r"Write (\d+) NEW", prompt)
    assert found, prompt[:300]
    return int(found.group(1))


def assert_sites_in_turn(prompts: list[str], sites: tuple[str, ...], *, seeds: int = 5, asked: int = 10) -> None:
    """Each call showed `seeds` seeds, all of one site, and asked for `asked` new items; the calls took the sites
    in turn, so no site gets more than one call more than another."""
    shown = [sites_shown(prompt) for prompt in prompts]
    assert all(len(one) == seeds and len(set(one)) == 1 for one in shown), shown
    order = [one[0] for one in shown]
    assert sorted(order[: len(sites)]) == sorted(sites), order
    assert order == [order[i % len(sites)] for i in range(len(order))], order
    assert [asked_for(prompt) for prompt in prompts] == [asked] * len(prompts)


def teacher(base_url: str, tmp_path: Path, **kwargs: Any):
    return make_teacher(TEACHER, base_url=base_url, cache_dir=tmp_path / "cache", retry=FAST_RETRY, **kwargs)


ACTIONS = [("click", {"id": 2}), ("type", {"id": 2, "text": "tote", "press_enter": True}), ("click", {"id": 7}),
           ("stop", {"answer": "$12.00"})]
SOLUTION = {
    "steps": [{"reasoning": "The home page has a search box.", "instruction": "Search for 'tote'", "actions": [0, 1]},
              {"reasoning": "The results list the tote.", "instruction": "Open the tote bag", "actions": [2]},
              {"reasoning": "The price is shown.", "instruction": "Stop with the price", "actions": [3]}],
    "actions": [{"action": "click", "target": {"role": "searchbox", "name": "Search"}},
                {"action": "type", "target": {"role": "searchbox", "name": "Search"}, "text": "tote",
                 "press_enter": True},
                {"action": "click", "target": {"role": "link", "name": "Canvas tote"}},
                {"action": "stop", "answer": "$12.00"}],
    "notes": {"2": ["The canvas tote costs $12.00"]},
}


def trajectory(name: str = "t1", *, actions: list[tuple[str, dict[str, Any]]] | None = None, score: float = 1.0,
               intent: str = "What does the canvas tote cost?") -> dict[str, Any]:
    """A collected trajectory as `synth collect` writes it (final state with per-step pages), made by hand."""
    actions = ACTIONS if actions is None else actions
    pages = [{"url": f"http://127.0.0.1:9/p{i}", "title": f"Page {i}",
              "text": PAGE_TEXT + f'\n[7] link "Canvas tote"\n[8] StaticText "page {i}"', "tabs": []}
             for i in range(len(actions) + 1)]
    history = [{"index": i, "action": a, "args": args, "result": f"did {a}", "ok": True, "url_before": pages[i]["url"],
                "url_after": pages[i + 1]["url"], "page_changed": True, "plan_step": "", "plan_version": i,
                "page": pages[i], "feedback": [], "reasoning": "", "started_at": 0.0, "duration_ms": 1,
                "screenshot": ""} for i, (a, args) in enumerate(actions)]
    state = {"intent": intent, "start_url": pages[0]["url"], "history": history, "plans": [],
             "observation": {**pages[-1], "ids": [], "truncated": False, "fingerprint": "", "tokens": 0},
             "status": "done", "answer": "$12.00", "stop_reason": "the executor called stop"}
    return {"id": f"traj-{name}", "kind": "trajectory", "site": "shopping", "split": "train",
            "task": {"task_id": 5, "intent": intent, "start_url": "__SHOPPING__/", "sites": ["shopping"],
                     "group": "shopping", "reference_solution": SOLUTION},
            "state": state, "outcome": {"score": score, "source": "evaluator", "checks": []}}


def grounded(groups: list[list[int]], *, markers: bool = True, notes: tuple[str, ...] = ()) -> str:
    body = "\n\n".join(f"## Step {n}\nReasoning: reason {n}\nStep: do thing {n}\nActions: {', '.join(map(str, g))}"
                       for n, g in enumerate(groups, start=1))
    if notes:
        body += "\n\n## Notes\n" + "\n".join(f"- {note}" for note in notes)
    return f"<plan>\n{body}\n</plan>" if markers else body
