"""The escape matrix: every vector of `tests.support.hostile`, tried by the real graph in one episode whose domain
policy allows exactly the site's origin, with a scripted executor that walks into each trap.

For each vector it records what reached the attacker (or the site under another host name) while the vector's
steps ran, whether any tab ended up outside the allowed origin, and what the executor was told. Used by
tests/agent/test_escapes.py, and as a benchmark:

    python -m tests.support.escapes --benchmarks-section escape-matrix
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.benchmarks_md import update_section
from graph.runs import stream_run, task_input
from policies.scripted import ScriptedChatModel, tool_call
from tests.agent.graph_helpers import scripted_context
from tests.support.hostile import Hostile, Vector, start_hostile
from tests.support.scripting import on
from tools.domains import DomainPolicy


@dataclass
class VectorResult:
    vector: Vector
    escaped: list[str] = field(default_factory=list)  # requests that reached the attacker or the alias
    left_in: list[str] = field(default_factory=list)  # tab URLs outside the allowed origin after its steps
    told: list[str] = field(default_factory=list)  # the step results the executor read

    @property
    def blocked(self) -> bool:
        return not self.escaped and not self.left_in

    @property
    def explained(self) -> bool:
        return any("blocked" in text for text in self.told)


def _script(hostile: Hostile) -> tuple[list[Any], list[int]]:
    """Executor entries, and for each the index of the vector it belongs to."""
    entries: list[Any] = []
    owners: list[int] = []
    for index, vector in enumerate(hostile.vectors):
        entries.append(tool_call("goto", url=hostile.vector_url(vector)))
        owners.append(index)
        if vector.trigger == "click":
            entries.append(on(vector.role, "Go"))
            owners.append(index)
    entries.append(tool_call("stop", answer="done"))
    return entries, owners


async def run_matrix(hostile: Hostile) -> list[VectorResult]:
    entries, owners = _script(hostile)
    results = [VectorResult(vector) for vector in hostile.vectors]
    policy = DomainPolicy((hostile.allowed,))
    executor = ScriptedChatModel(script=entries)
    context = scripted_context("react", executor=executor, max_steps=len(entries) + 5, navigation_timeout_ms=5000,
                               action_timeout_ms=3000, loop_limit=50)
    escapes_before = 0

    def on_update(node: str, values: dict[str, Any]) -> None:
        nonlocal escapes_before
        for step in values.get("history", []) if node == "observe" else []:
            if step["index"] >= len(owners):
                continue
            result = results[owners[step["index"]]]
            escapes = hostile.seen.escapes()
            result.escaped += escapes[escapes_before:]
            escapes_before = len(escapes)
            result.told.append(step["result"])
            tabs = (values.get("observation") or {}).get("tabs") or []
            result.left_in += [tab["url"] for tab in tabs if not policy.allows(tab["url"]) and tab["url"]]

    run = await stream_run(task_input("Visit every page", f"{hostile.site}/", allowed_domains=[hostile.allowed]),
                           context, on_update=on_update)
    if run.state.get("status") != "done":
        last = (run.state.get("history") or [{}])[-1]
        seen = (run.state.get("observation") or {}).get("text", "")[-600:]
        raise AssertionError(f"the matrix episode ended early: {run.state.get('stop_reason')}; last step "
                             f"{last.get('action')} {last.get('args')} -> {last.get('result')}; page:\n{seen}")
    late = hostile.seen.escapes()[escapes_before:]
    if late:
        results[-1].escaped += late
    return results


def table(results: list[VectorResult]) -> str:
    lines = ["| # | vector | trigger | blocked | the executor was told |", "|---:|---|---|---|---|"]
    for number, result in enumerate(results, start=1):
        told = next((text for text in result.told if "blocked" in text), result.told[-1] if result.told else "")
        lines.append(f"| {number} | {result.vector.name} | {result.vector.trigger} | "
                     f"{'yes' if result.blocked else 'NO: ' + '; '.join(result.escaped + result.left_in)} | "
                     f"{told[:160].replace('|', '/')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--benchmarks-section", default="")
    parser.add_argument("--benchmarks-md", default="BENCHMARKS.md")
    args = parser.parse_args(argv)
    hostile = start_hostile()
    try:
        results = asyncio.run(run_matrix(hostile))
    finally:
        hostile.stop()
    blocked = sum(r.blocked for r in results)
    explained = sum(r.explained for r in results)
    summary = (f"{blocked}/{len(results)} vectors blocked (nothing reached the attacker, no tab left the allowed "
               f"origin); {explained}/{len(results)} with a result that says what was blocked.")
    print(table(results))
    print(summary)
    if args.benchmarks_section:
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`python -m tests.support.escapes --benchmarks-section {args.benchmarks_section}` — "
                       f"{dt.date.today().isoformat()}: the domain policy allows exactly one loopback origin; an "
                       f"attacker listens on another.\n\n{summary}\n\n{table(results)}")
    return 0 if blocked == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
