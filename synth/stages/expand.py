"""`synth expand`: new (intent, plan) pairs from seed pairs — the paper's ~10,000-pair plan expansion.

Each call shows the teacher `seeds_per_call` seeds of one site (sites in turn) and asks for `per_call` new pairs,
each naming the seed whose real first page it starts on. A pair is kept when that seed exists, the intent does
not leak the seed's number, the plan parses cleanly with the runtime's one plan parser, and it is neither an
exact nor a near duplicate of a seed or of an earlier pair. Rounds top up until `--n` pairs are kept.
"""

from __future__ import annotations

from synth import prompts
from synth.records import Seed, page_id, record_id
from synth.replies import check_intent, check_plan, parse_json, seed_number
from synth.runner import Reject, Result, Work
from synth.stages.generated import SeededGeneration
from synth.teacher import Invalid, TeacherTask, ask_valid


def read_pairs(text: str, seeds: list[Seed], origin: str) -> Result:
    """The usable pairs of one reply (the others become rejects); Invalid when none is usable."""
    items = parse_json(text, list)
    result = Result()
    for item in items:
        try:
            if not isinstance(item, dict):
                raise Invalid("bad_json", "each item must be a JSON object with seed, intent and plan")
            seed = seeds[seed_number(item.get("seed"), len(seeds)) - 1]
            intent = check_intent(item.get("intent"))
            plan = check_plan(item.get("plan"))
        except Invalid as problem:
            result.rejects.append(Reject(problem.code, str(problem), seeds[0].id,
                                         item if isinstance(item, dict) else {"item": item}))
            continue
        record = {"kind": "synthetic_plan", "origin": origin, "site": seed.site, "sites": list(seed.sites),
                  "intent": intent, "plan_text": plan["raw"], "page_id": page_id(seed.page),
                  "start_url": seed.start_url, "seed": seed.id, "seeds": [s.id for s in seeds]}
        result.records.append({"id": record_id("synthetic_plan", record), **record})
    if not result.records:
        first = result.rejects[0] if result.rejects else Reject("bad_json", "the list is empty")
        raise Invalid(first.reason, f"none of the {len(items)} items was usable; for example: {first.detail}")
    return result


class Expand(SeededGeneration):
    name = "expand"
    templates = ("expand", "plan_rules")
    needs_plan = True

    async def run(self, work: Work) -> Result:
        seeds: list[Seed] = work.payload
        for item in seeds:
            self.pages.add(item.page)
        messages = prompts.expand([s.prompt_view() for s in seeds], self.per_call)
        assert self.teacher is not None
        asked = await ask_valid(self.teacher, messages, lambda text: read_pairs(text, seeds, "expand"),
                                TeacherTask("expand", unit=work.key), self.rounds)
        return asked.value
