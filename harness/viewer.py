"""The trajectory viewer: one self-contained HTML page with every episode of a sweep (or one `plan-and-act run
--report`), so a person sees where an agent went wrong without reading JSON.

Per episode: the plan as it evolved (each version beside the one before, new steps and notes highlighted, dropped
ones struck through), then each action in order with the executor's reasoning, the call and its result, the
feedback it was shown, the page text it read (folded), the picture of that page with the element it acted on
outlined, the tokens and cost of the step's model calls and any unusable output that was corrected and retried.
Filters at the top narrow the list by site, outcome and stop reason.

It reads only `harness.trajectory` (state + recorder); costs come from `Prices` (USD per million tokens, per
model string), which the user can give for any model.
"""

from __future__ import annotations

import argparse
import os
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from harness.trajectory import picture_of
from tools import secrets
from tools.vocabulary import format_action

# Published list prices (USD per million input, output tokens); anything else is priced by --price or shown as
# tokens only.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00), "gpt-4o-mini": (0.15, 0.60), "gpt-4.1": (2.00, 8.00), "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40), "o4-mini": (1.10, 4.40),
}


class PriceError(ValueError):
    """A --price that cannot be read."""


@dataclass(frozen=True)
class Prices:
    """USD per million (input, output) tokens by model string; `openai:gpt-4o` also matches a price for
    `gpt-4o`. Models with no price (local ones, the reference policy) cost nothing shown."""

    per_model: Mapping[str, tuple[float, float]] = field(default_factory=lambda: dict(DEFAULT_PRICES))

    @classmethod
    def parse(cls, given: Sequence[str]) -> Prices:
        """`MODEL=INPUT/OUTPUT` (USD per million tokens) entries over the defaults."""
        table = dict(DEFAULT_PRICES)
        for entry in given:
            model, _, pair = entry.partition("=")
            prices = pair.split("/")
            try:
                if not model.strip() or len(prices) != 2:
                    raise ValueError
                table[model.strip()] = (float(prices[0]), float(prices[1]))
            except ValueError:
                raise PriceError(f"--price {entry!r}: write MODEL=INPUT/OUTPUT in USD per million tokens, "
                                 "e.g. openai:gpt-4o=2.5/10") from None
        return cls(table)

    def of(self, model: str) -> tuple[float, float] | None:
        return self.per_model.get(model) or self.per_model.get(model.split(":", 1)[-1])

    def cost(self, model: str, usage: Mapping[str, int]) -> float | None:
        price = self.of(model)
        if price is None:
            return None
        return (usage.get("input_tokens", 0) * price[0] + usage.get("output_tokens", 0) * price[1]) / 1e6


def add_price_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--price", action="append", default=[], metavar="MODEL=IN/OUT",
                        help="USD per million input/output tokens for a model string, for the report's costs "
                             "(repeatable; e.g. openai:gpt-4o=2.5/10; gpt-4o, gpt-4o-mini, gpt-4.1* are known)")


@dataclass(frozen=True)
class ViewedEpisode:
    """One episode as the viewer lists it. `passed` is None when nothing evaluated it (a single run)."""

    key: str
    intent: str
    sites: list[str]
    passed: bool | None
    status: str
    stop_reason: str
    answer: str
    trajectory: Mapping[str, Any]
    checks: list[str] = field(default_factory=list)
    final_url: str = ""
    group: str = ""


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f;max-width:1280px}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ddd;padding:.3rem .55rem;vertical-align:top}
th{background:#f5f5f7;text-align:left}.pass{color:#137333;font-weight:600}.fail{color:#b3261e;font-weight:600}
.unjudged{color:#555;font-weight:600}
details{border:1px solid #e3e3e3;border-radius:8px;margin:.45rem 0;padding:.35rem .8rem}
summary{cursor:pointer}code,pre{background:#f5f5f7;border-radius:3px}code{padding:0 .25rem}
pre{padding:.5rem;white-space:pre-wrap;max-height:28rem;overflow:auto;font-size:12px}.muted{color:#666}
.filters{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #eee;z-index:2}
.filters label{margin-right:1rem}.plans{display:flex;gap:.6rem;overflow-x:auto;padding:.3rem 0}
.plan{min-width:15rem;max-width:22rem;border:1px solid #ddd;border-radius:6px;padding:.4rem .6rem;background:#fafafa}
.plan h4{margin:.1rem 0 .3rem;font-size:13px}.plan ol{margin:0;padding-left:1.3rem}
.added{background:#e6f4ea}.removed{color:#999;text-decoration:line-through}.person{border-color:#a142f4}
.step{border-top:1px solid #eee;padding:.5rem 0;display:grid;grid-template-columns:minmax(0,1fr) 360px;gap:1rem}
.reasoning{font-style:italic;color:#444}.retry{border-left:3px solid #f29900;padding-left:.5rem;margin:.3rem 0}
.feedback{color:#b06000}.shot{display:block;position:relative;width:360px;line-height:0}
.shot img{width:100%;border:1px solid #ccc}
.outline{position:absolute;box-sizing:border-box;border:3px solid #e8710a;box-shadow:0 0 0 2px #fff;border-radius:2px}
.tokens{font-size:12px;color:#555}.notes li{color:#6d28d9}
"""

_SCRIPT = """
function applyFilters(){
  const site=document.getElementById('filter-site').value, outcome=document.getElementById('filter-outcome').value,
        stop=document.getElementById('filter-stop').value;
  let shown=0;
  for (const e of document.querySelectorAll('details.episode')) {
    const ok=(!site||e.dataset.sites.split(' ').includes(site))&&(!outcome||e.dataset.outcome===outcome)
             &&(!stop||e.dataset.stop===stop);
    e.hidden=!ok; if(ok) shown++;
  }
  document.getElementById('shown').textContent=shown;
}
for (const id of ['filter-site','filter-outcome','filter-stop'])
  document.getElementById(id).addEventListener('change', applyFilters);
"""


def stop_kind(status: str, reason: str) -> str:
    """A stop reason with its particulars (numbers, quoted text, details after a colon) taken out, so episodes
    that ended the same way share one filter entry."""
    head = reason.split(":", 1)[0]
    head = re.sub(r"'[^']*'|\"[^\"]*\"", "…", re.sub(r"\d+", "N", head)).strip()
    return f"{status}: {head[:70]}" if head else status


def _money(value: float | None) -> str:
    return "" if value is None else f"${value:.4f}"


def _tokens(usage: Mapping[str, int]) -> str:
    return f"{usage.get('input_tokens', 0):,} in / {usage.get('output_tokens', 0):,} out"


def _add(total: dict[str, int], usage: Mapping[str, int]) -> None:
    for key in ("input_tokens", "output_tokens"):
        total[key] = total.get(key, 0) + int(usage.get(key, 0))


class _Costs:
    """Tokens and cost of calls, priced by the model that played each call's role."""

    def __init__(self, models: Mapping[str, str], prices: Prices) -> None:
        self.models, self.prices = models, prices

    def of(self, calls: Sequence[Mapping[str, Any]]) -> tuple[dict[str, int], float | None]:
        usage: dict[str, int] = {}
        cost: float | None = None
        for call in calls:
            _add(usage, call.get("usage") or {})
            priced = self.prices.cost(self.models.get(call.get("role", ""), ""), call.get("usage") or {})
            if priced is not None:
                cost = (cost or 0.0) + priced
        return usage, cost

    def line(self, calls: Sequence[Mapping[str, Any]]) -> str:
        if not calls:
            return ""
        usage, cost = self.of(calls)
        retries = sum(1 for call in calls if call.get("attempt", 0) > 0)
        extra = f" · {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
        return (f"<div class='tokens' data-role='tokens'>{len(calls)} model call{'s' if len(calls) != 1 else ''}: "
                f"{_tokens(usage)} tokens {_money(cost)}{extra}</div>")


def _output_text(call: Mapping[str, Any]) -> str:
    """A call's raw output as the model wrote it: its text and its tool calls."""
    output = call.get("output") or {}
    parts = [str(output.get("content") or "")] if output.get("content") else []
    for tool in output.get("tool_calls") or []:
        function = tool.get("function") or {}
        parts.append(f"tool call {function.get('name', '?')}({function.get('arguments', '')})")
    if call.get("error"):
        parts.append(f"error: {call['error']}")
    return "\n".join(parts) or "(empty output)"


def _retries(calls: Sequence[Mapping[str, Any]]) -> str:
    """Unusable outputs that were fed back and retried: every call followed by a retry of the same question."""
    rejected = [call for index, call in enumerate(calls)
                if index + 1 < len(calls) and calls[index + 1].get("attempt", 0) > call.get("attempt", 0)]
    return "".join(f"<div class='retry' data-role='retry'><b>unusable {escape(call.get('role', ''))} output (try "
                   f"{call.get('attempt', 0) + 1}), corrected and asked again:</b><pre>"
                   f"{escape(_output_text(call))}</pre></div>" for call in rejected)


def _plan_list(steps: Sequence[Mapping[str, Any]], before: set[str]) -> str:
    items = "".join(f"<li class='{'' if s['instruction'] in before or not before else 'added'}'"
                    f" title='{escape(s.get('reasoning', ''))}'>{escape(s['instruction'])}</li>" for s in steps)
    return f"<ol>{items}</ol>"


def _plans(plans: Sequence[Mapping[str, Any]]) -> str:
    """Each plan version beside the previous one: what is new is highlighted, what it dropped is struck out."""
    cards = []
    previous_steps: list[str] = []
    previous_notes: list[str] = []
    for version, written in enumerate(plans):
        plan = written.get("plan") or {}
        steps = plan.get("steps", [])
        notes = plan.get("notes", [])
        by = written.get("by") or ("planner" if version == 0 else "replanner")
        now = [s["instruction"] for s in steps]
        dropped = [s for s in previous_steps if s not in now]
        struck = "".join(f"<li class='removed'>{escape(s)}</li>" for s in dropped)
        new_notes = "".join(f"<li class='{'added' if note not in previous_notes and version else ''}'>"
                            f"{escape(note)}</li>" for note in notes)
        after = written.get("after_action", 0)
        cards.append(f"<div class='plan {'person' if by == 'person' else ''}' data-role='plan-version'>"
                     f"<h4>v{version} · {escape(by)} · after {after} action{'s' if after != 1 else ''}</h4>"
                     f"{_plan_list(steps, set(previous_steps) if version else set())}"
                     f"{f'<ul class=removed-steps>{struck}</ul>' if struck else ''}"
                     f"{f'<ul class=notes>{new_notes}</ul>' if notes else ''}</div>")
        previous_steps, previous_notes = now, notes
    return f"<div class='plans'>{''.join(cards)}</div>" if cards else "<p class='muted'>no plan (react mode)</p>"


def _picture(record_path: str, element: Any, out_dir: Path) -> str:
    """The page the executor acted on, with the element it used outlined (boxes are CSS pixels of the viewport,
    drawn as percentages so the picture can be scaled)."""
    found = picture_of(record_path)
    if found is None:
        return ""
    image, record = found
    src = escape(os.path.relpath(image, out_dir))
    outline = ""
    box = (record.get("boxes") or {}).get(str(element)) if element is not None else None
    _x, _y, width, height = record.get("viewport") or (0, 0, 0, 0)
    if box and width and height:
        left, top = max(0.0, box[0]) / width * 100, max(0.0, box[1]) / height * 100
        outline = (f"<div class='outline' data-role='outline' style='left:{left:.2f}%;top:{top:.2f}%;"
                   f"width:{box[2] / width * 100:.2f}%;height:{box[3] / height * 100:.2f}%'></div>")
    return f"<a class='shot' href='{src}'><img loading='lazy' alt='the page' src='{src}'>{outline}</a>"


def _steps(trajectory: Mapping[str, Any], costs: _Costs, out_dir: Path) -> str:
    history = trajectory.get("history", [])
    pictures = trajectory.get("pictures", [])
    calls_at: dict[tuple[str, int], list[Mapping[str, Any]]] = defaultdict(list)
    for call in trajectory.get("calls", []):
        calls_at[(call.get("role", ""), int(call.get("step", 0)))].append(call)
    replans = {int(v["after_action"]): (i, v) for i, v in enumerate(trajectory.get("plans", [])) if i}
    rows = []
    for index, step in enumerate(history):
        calls = calls_at.get(("executor", index), [])
        replan_calls = calls_at.get(("replanner", index + 1), [])
        status = "" if step.get("ok", True) else " <span class='fail'>failed</span>"
        reasoning = (f"<div class='reasoning' data-role='reasoning'>{escape(step['reasoning'])}</div>"
                     if step.get("reasoning") else "")
        feedback = "".join(f"<div class='feedback'>shown: {escape(f)}</div>" for f in step.get("feedback", []))
        page = step.get("page") or {}
        seen = (f"<details data-role='page-text'><summary>page text the executor read ({escape(page.get('url', ''))}"
                f")</summary><pre>{escape(page.get('text', ''))}</pre></details>")
        replan = ""
        if index + 1 in replans:
            version, written = replans[index + 1]
            replan = f"<div class='muted'>→ plan v{version} written ({escape(written.get('by', 'replanner'))})</div>"
        picture = _picture(pictures[index] if index < len(pictures) else "", step.get("args", {}).get("id"), out_dir)
        rows.append(
            f"<div class='step' data-role='step'><div><b>{index + 1}.</b> <span class='muted'>step: "
            f"{escape(step.get('plan_step', '') or '—')}</span>{reasoning}{_retries(calls)}"
            f"<div><code data-role='action'>{escape(format_action(step['action'], step.get('args', {})))}</code>"
            f"{status}</div><div class='muted' data-role='result'>{escape(step.get('result', ''))}</div>{feedback}"
            f"{seen}{costs.line(calls)}{_retries(replan_calls)}"
            f"{f'<div class=muted>replan:</div>{costs.line(replan_calls)}' if replan_calls else ''}{replan}</div>"
            f"<div>{picture}</div></div>")
    return "".join(rows)


def _episode(episode: ViewedEpisode, prices: Prices, out_dir: Path) -> str:
    trajectory = episode.trajectory
    costs = _Costs(trajectory.get("models", {}), prices)
    calls = trajectory.get("calls", [])
    usage, cost = costs.of(calls)
    outcome = "unjudged" if episode.passed is None else ("pass" if episode.passed else "fail")
    verdict = {"pass": "PASS", "fail": "FAIL", "unjudged": "RUN"}[outcome]
    planner_calls = [c for c in calls if c.get("role") == "planner"]
    checks = "".join(f"<li>{escape(check)}</li>" for check in episode.checks)
    models = ", ".join(f"{role} {escape(model)}" for role, model in trajectory.get("models", {}).items())
    return (
        f"<details class='episode' data-sites='{escape(' '.join(episode.sites))}' data-outcome='{outcome}' "
        f"data-stop='{escape(stop_kind(episode.status, episode.stop_reason))}'>"
        f"<summary><span class='{outcome}'>{verdict}</span> {escape(episode.key)} <span class='muted'>["
        f"{escape(', '.join(episode.sites))}]</span> — {escape(episode.intent)} <span class='muted'>· "
        f"{len(trajectory.get('history', []))} actions · {_tokens(usage)} tokens "
        f"<span data-role='episode-cost'>{_money(cost)}</span></span></summary>"
        f"<p><b>answer:</b> {escape(episode.answer) or '<i>(none)</i>'}<br><b>ended:</b> {escape(episode.status)} — "
        f"{escape(episode.stop_reason)}<br><b>final URL:</b> {escape(episode.final_url)}<br><b>mode:</b> "
        f"{escape(str(trajectory.get('mode', '')))} · <b>models:</b> {models} · <b>unusable outputs:</b> "
        f"{trajectory.get('invalid_outputs', 0)}</p>{f'<ul>{checks}</ul>' if checks else ''}"
        f"<h3>Plan as it evolved</h3>{_plans(trajectory.get('plans', []))}{_retries(planner_calls)}"
        f"{costs.line(planner_calls)}<h3>Actions</h3>{_steps(trajectory, costs, out_dir)}</details>")


def _options(element_id: str, label: str, values: Sequence[str]) -> str:
    options = "".join(f"<option value='{escape(v)}'>{escape(v)}</option>" for v in values)
    return f"<label>{label} <select id='{element_id}'><option value=''>all</option>{options}</select></label>"


def render(episodes: Sequence[ViewedEpisode], title: str, out_dir: Path, prices: Prices | None = None,
           summary_html: str = "") -> str:
    """The whole page. Image links are relative to `out_dir` (where the page is written). Known secret values
    are redacted from everything shown."""
    prices = prices or Prices()
    sites = sorted({site for e in episodes for site in e.sites})
    stops = sorted({stop_kind(e.status, e.stop_reason) for e in episodes})
    outcomes = sorted({"unjudged" if e.passed is None else ("pass" if e.passed else "fail") for e in episodes})
    filters = (f"<div class='filters'>{_options('filter-site', 'site', sites)}"
               f"{_options('filter-outcome', 'outcome', outcomes)}{_options('filter-stop', 'stop reason', stops)}"
               f"<span class='muted'><span id='shown'>{len(episodes)}</span> of {len(episodes)} episodes</span></div>")
    body = "".join(_episode(e, prices, out_dir) for e in episodes)
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{summary_html}<h2>Episodes</h2>"
            f"{filters}{body}<script>{_SCRIPT}</script></body></html>")
    return secrets.redact(page)


def write_viewer(episodes: Sequence[ViewedEpisode], path: Path, title: str, prices: Prices | None = None,
                 summary_html: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(episodes, title, path.parent, prices, summary_html), encoding="utf-8")
    return path
