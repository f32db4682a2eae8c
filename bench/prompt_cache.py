"""`plan-and-act-bench prompt-cache`: how much of each prompt a provider's prefix cache could serve.

    plan-and-act-bench prompt-cache --sample --benchmarks-section prompt-cache

Providers (OpenAI, Anthropic, vLLM's prefix caching, llama.cpp's slot cache) bill or compute the tokens of a prompt
that repeat a prefix they saw shortly before at a fraction of the price; OpenAI does so only from 1,024 tokens on.
Within an episode the calls of one role come one after another, so what counts is how many leading tokens a call
shares with the previous call of the same role. This command runs the oracle over tasks in every mode with the
model-call recorder (`graph.recorder`) and reports, per mode and role: the share of prompt tokens that repeat a
>= 1,024-token prefix of the previous same-role call (OpenAI's rule), the share of any shared prefix (what
self-hosted prefix caching such as vLLM's reuses, in blocks of a few tokens), and the median prompt tokens per call
and per episode.

A prompt is measured as the provider receives it: the tool schemas first (providers put them ahead of the messages),
then each message's role and text, tokenized with o200k (`tools.tokens`). The reference policy does not bind tools,
so the executor's schemas are derived from the toolset the executor model is bound to (`nodes.toolset`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.utils.function_calling import convert_to_openai_tool

from bench.benchmarks_md import update_section
from bench.selection import select
from graph.context import MODES, Context
from graph.recorder import ModelCall, ModelCallRecorder, read_calls
from nodes.toolset import executor_tools
from tools import tokens

CACHE_MIN_TOKENS = 1024  # OpenAI caches prompts from this length on
CACHED_PRICE = 0.1  # what a cached prompt token costs relative to an uncached one (OpenAI, Anthropic reads: ~10 %)
ROLES = ("planner", "executor", "replanner")


def executor_tool_schemas(settings: Context) -> list[dict[str, Any]]:
    return [convert_to_openai_tool(tool) for tool in executor_tools(settings)]


def prompt_text(call: ModelCall, default_tools: Sequence[dict[str, Any]] = ()) -> str:
    """The call's prompt as a provider lays it out (`tools.tokens.prompt_text`); an executor call recorded
    without schemas (the reference policy binds none) is measured with `default_tools`."""
    tools = call.tools or (list(default_tools) if call.role == "executor" else [])
    return tokens.prompt_text(call.messages, tools)


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


@dataclass
class CallCost:
    mode: str
    role: str
    thread_id: str
    prompt_tokens: int
    shared_tokens: int  # leading tokens shared with the previous call of the same role in the same episode
    cached_tokens: int  # shared_tokens when at least CACHE_MIN_TOKENS (what OpenAI's cache serves), else 0


def call_costs(calls: Sequence[ModelCall], mode: str, default_tools: Sequence[dict[str, Any]] = ()) -> list[CallCost]:
    """Per call (first attempts and retries alike, in the order they were made): its tokens and cacheable prefix."""
    encode = tokens.encoding().encode_ordinary
    previous: dict[tuple[str, str], list[int]] = {}
    costs = []
    for call in sorted(calls, key=lambda c: c.started_at):
        ids = encode(prompt_text(call, default_tools))
        key = (call.thread_id, call.role)
        shared = common_prefix(previous[key], ids) if key in previous else 0
        costs.append(CallCost(mode, call.role, call.thread_id, len(ids), shared,
                              shared if shared >= CACHE_MIN_TOKENS else 0))
        previous[key] = ids
    return costs


def billed_tokens(cost: CallCost) -> float:
    """The call's prompt priced in uncached tokens: cached ones at CACHED_PRICE."""
    return cost.prompt_tokens - cost.cached_tokens * (1 - CACHED_PRICE)


def _median(values: Sequence[float]) -> str:
    return f"{statistics.median(values):,.0f}" if values else "–"


def cost_table(costs: Sequence[CallCost]) -> str:
    """One row per mode (all roles) and per mode x role. Billed tokens price cached tokens at CACHED_PRICE: a
    layout that sends more tokens but has most of them cached can still cost less."""
    rows = ["| mode | role | calls | prompt tokens | cacheable share % (prefix >= 1,024) | shared prefix % (any "
            "length) | median tokens / call | median tokens / episode | median billed tokens / episode |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    modes = [m for m in MODES if any(c.mode == m for c in costs)]
    for mode in modes:
        for role in ("all", *ROLES):
            chosen = [c for c in costs if c.mode == mode and (role == "all" or c.role == role)]
            if not chosen:
                continue
            total = sum(c.prompt_tokens for c in chosen)
            per_episode: dict[str, int] = defaultdict(int)
            billed: dict[str, float] = defaultdict(float)
            for c in chosen:
                per_episode[c.thread_id] += c.prompt_tokens
                billed[c.thread_id] += billed_tokens(c)
            share = 100.0 * sum(c.cached_tokens for c in chosen) / total if total else 0.0
            shared = 100.0 * sum(c.shared_tokens for c in chosen) / total if total else 0.0
            label = f"**{mode}**" if role == "all" else mode
            rows.append(f"| {label} | {role} | {len(chosen)} | {total:,} | {share:.1f} | {shared:.1f} | "
                        f"{_median([c.prompt_tokens for c in chosen])} | {_median(list(per_episode.values()))} | "
                        f"{_median(list(billed.values()))} |")
    return "\n".join(rows)


async def record_mode(tasks: Sequence[Any], settings: Context, out: Path, workers: int) -> list[ModelCall]:
    """The oracle over `tasks` in one mode; every model call is appended to out/calls-<mode>.jsonl."""
    import policies.providers  # noqa: F401  (the oracle's model strings)
    from bench.sweep import sweep
    from harness.episode import PolicyChoice

    path = out / f"calls-{settings.mode}.jsonl"
    path.unlink(missing_ok=True)
    recorder = ModelCallRecorder(path)
    results = await sweep(tasks, PolicyChoice(kind="oracle"), settings, workers=workers, callbacks=[recorder])
    failed = [r.task_id for r in results if not r.passed]
    if failed:
        print(f"warning: {settings.mode}: the oracle failed tasks {failed}", file=sys.stderr)
    return read_calls(path)


def cmd_prompt_cache(args: argparse.Namespace) -> int:
    from graph.context_flags import context_from_flags
    from webenv.tasks.suite import load_suite

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    costs: list[CallCost] = []
    for mode in args.mode or MODES:
        settings = context_from_flags(args, mode=mode)
        if args.from_calls:
            calls = read_calls(out / f"calls-{mode}.jsonl")
        else:
            tasks = select(load_suite(args.split), ids=args.tasks, groups=args.group or (), sample=args.sample)
            calls = asyncio.run(record_mode(tasks, settings, out, args.workers))
        costs += call_costs(calls, mode, executor_tool_schemas(settings))
    table = cost_table(costs)
    episodes = len({c.thread_id for c in costs})
    text = (f"{episodes} oracle episodes; a call's tokens count as cacheable when its first >= "
            f"{CACHE_MIN_TOKENS:,} tokens (tool schemas, then messages; o200k) equal the previous call of the same "
            f"role in the same episode; billed tokens count a cached token as {CACHED_PRICE:g} of one.\n\n{table}")
    print(text)
    if args.benchmarks_section:
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`plan-and-act-bench {' '.join(sys.argv[1:])}` — {dt.date.today().isoformat()}: {text}")
    return 0


def register(commands: Any) -> None:
    """Add `prompt-cache` to `plan-and-act-bench`'s subparsers."""
    from graph.context_flags import add_context_flags
    from webenv.tasks.authoring import SPLITS

    command = commands.add_parser("prompt-cache", help="share of prompt tokens a provider's prefix cache could serve",
                                  description=__doc__.splitlines()[0])
    command.add_argument("--split", choices=SPLITS, default="test")
    command.add_argument("--tasks", default="", help="task ids, e.g. 0-9,15")
    command.add_argument("--group", action="append", help="site group(s)")
    command.add_argument("--sample", action="store_true", help="one task per site group and eval type")
    command.add_argument("--mode", action="append", choices=MODES, help="modes to measure (default: all)")
    command.add_argument("--workers", type=int, default=2)
    command.add_argument("--out", default="runs/prompt-cache", help="where the recorded calls go")
    command.add_argument("--from-calls", action="store_true",
                         help="measure the calls already recorded in --out instead of running episodes")
    command.add_argument("--benchmarks-section", default="")
    command.add_argument("--benchmarks-md", default="BENCHMARKS.md")
    add_context_flags(command, exclude=("mode",))
    command.set_defaults(handler=cmd_prompt_cache)
