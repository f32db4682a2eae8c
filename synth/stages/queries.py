"""`synth queries`: new task intents from seed intents (5 seeds -> 10 new, seeds round-robin by site), with a
feasibility pass and deduplication against the seeds and earlier outputs.

The output is a task set `synth collect --tasks` can run: each query keeps its seed's start URL and sites, so
the agent starts on the page the teacher was shown. Such tasks have no evaluator; collect judges their outcome.
"""

from __future__ import annotations

from typing import Any

from synth import prompts
from synth.records import Seed, page_id, record_id
from synth.replies import check_intent, parse_json, seed_number
from synth.runner import Reject, Result, Work
from synth.stages.generated import SeededGeneration
from synth.teacher import Invalid, TeacherTask, ask_valid

Candidate = tuple[Seed, str, dict[str, Any]]


def read_candidates(text: str, seeds: list[Seed]) -> tuple[list[Candidate], list[Reject]]:
    """The usable (seed, intent, item) candidates of a reply and rejects for the rest; Invalid if none is usable."""
    items = parse_json(text, list)
    found: list[Candidate] = []
    rejects: list[Reject] = []
    for item in items:
        try:
            if not isinstance(item, dict):
                raise Invalid("bad_json", "each item must be a JSON object with seed and intent")
            found.append((seeds[seed_number(item.get("seed"), len(seeds)) - 1], check_intent(item.get("intent")), item))
        except Invalid as problem:
            rejects.append(Reject(problem.code, str(problem), seeds[0].id,
                                  item if isinstance(item, dict) else {"item": item}))
    if not found:
        first = rejects[0].detail if rejects else "the list is empty"
        raise Invalid(rejects[0].reason if rejects else "bad_json",
                      f"none of the {len(items)} items was usable; for example: {first}")
    return found, rejects


def read_verdicts(text: str, count: int) -> list[tuple[bool, str]]:
    items = parse_json(text, list)
    verdicts: dict[int, tuple[bool, str]] = {}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("i"), int) and isinstance(item.get("feasible"), bool):
            verdicts[item["i"]] = (item["feasible"], str(item.get("why", "")))
    missing = [i for i in range(1, count + 1) if i not in verdicts]
    if missing:
        raise Invalid("bad_json", f"give one verdict {{\"i\": n, \"feasible\": true|false, \"why\": ...}} for every "
                                  f"candidate 1..{count}; missing: {', '.join(map(str, missing))}")
    return [verdicts[i] for i in range(1, count + 1)]


class Queries(SeededGeneration):
    name = "queries"
    templates = ("queries", "feasibility")

    async def run(self, work: Work) -> Result:
        seeds: list[Seed] = work.payload
        for item in seeds:
            self.pages.add(item.page)
        assert self.teacher is not None
        asked = await ask_valid(self.teacher, prompts.queries([s.prompt_view() for s in seeds], self.per_call),
                                lambda text: read_candidates(text, seeds), TeacherTask("queries", unit=work.key),
                                self.rounds)
        candidates, rejects = asked.value
        check = await ask_valid(self.teacher, prompts.feasibility([(i, s.prompt_view()) for s, i, _ in candidates]),
                                lambda text: read_verdicts(text, len(candidates)),
                                TeacherTask("feasibility", unit=work.key),
                                self.rounds)
        result = Result(rejects=list(rejects))
        for (seed, intent, item), (feasible, why) in zip(candidates, check.value):
            if not feasible:
                result.rejects.append(Reject("infeasible", why or "the teacher judged it infeasible", seed.id, item))
                continue
            record = {"kind": "query", "site": seed.site, "sites": list(seed.sites), "intent": intent,
                      "start_url": seed.start_url, "page_id": page_id(seed.page), "seed": seed.id}
            result.records.append({"id": record_id("query", record), **record})
        return result
