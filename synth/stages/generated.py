"""What the stages that invent new data share: seeds taken round-robin by site, rounds that top up to a target
count, and deduplication (exact and near) against the seeds and everything kept before, in a fixed order."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from synth.dedup import Deduper
from synth.jsonl import content_hash
from synth.records import PageStore, Seed, seeds_from
from synth.runner import Reject, Result, Stage, StageError, Work
from synth.teacher import Teacher


class UniqueKeeper:
    """Records in work order, minus duplicates of the known (id, intent) pairs and of earlier records, at most `n`.

    Stages that top up in rounds finalize after every round over a longer list with the same beginning; the
    keeper remembers how far it got and goes on from there instead of deduplicating everything again."""

    def __init__(self, known: Sequence[tuple[str, str]], n: int | None, threshold: float) -> None:
        self.known, self.n, self.threshold = list(known), n, threshold
        self._reset()

    def _reset(self) -> None:
        self.deduper = Deduper(threshold=self.threshold)
        for known_id, text in self.known:
            if self.deduper.check(text)[0] is None:
                self.deduper.add(known_id, text)
        self.done: list[str] = []
        self.merged = Result()
        self.surplus = 0

    def __call__(self, results: Sequence[tuple[Work, Result]]) -> Result:
        keys = [work.key for work, _result in results]
        if keys[: len(self.done)] != self.done:
            self._reset()
        for work, result in results[len(self.done):]:
            self._take(result)
            self.done.append(work.key)
        return Result(list(self.merged.records), list(self.merged.rejects))

    def _take(self, result: Result) -> None:
        self.merged.rejects.extend(result.rejects)
        for record in result.records:
            if self.n is not None and len(self.merged.records) >= self.n:
                self.surplus += 1
                continue
            duplicate = self.deduper.add(record["id"], record["intent"])
            if duplicate is not None:
                self.merged.rejects.append(Reject("duplicate", f"{duplicate.kind} duplicate of {duplicate.of} "
                                                               f"(similarity {duplicate.similarity:.2f})",
                                                  record.get("seed", ""), record))
                continue
            self.merged.records.append(record)


class SeededGeneration(Stage):
    """A stage that asks for `per_call` new items from `seeds_per_call` seeds of one site per call, sites taken in
    turn, until `n` distinct items are kept (at most `max_rounds` top-up rounds)."""

    key_fields = ("per_call", "seeds_per_call", "seed")
    needs_plan = False

    def __init__(self, teacher: Teacher | None, inputs: Sequence[Path], *, n: int, per_call: int = 10,
                 seeds_per_call: int = 5, seed: int = 0, near: float = 0.95, max_rounds: int = 5, rounds: int = 2,
                 limit: int | None = None) -> None:
        super().__init__(teacher, inputs, limit=limit,
                         settings={"n": n, "per_call": per_call, "seeds_per_call": seeds_per_call, "seed": seed,
                                   "near": near, "max_rounds": max_rounds, "correction_rounds": rounds})
        if n < 1 or per_call < 1 or seeds_per_call < 1:
            raise StageError(f"{self.name}: --n, --per-call and --seeds-per-call must be at least 1")
        self.n, self.per_call, self.seeds_per_call = n, per_call, seeds_per_call
        self.near, self.max_rounds, self.rounds = near, max_rounds, rounds
        self.pages = PageStore()
        self.pages.load_beside(self.inputs)
        self.seeds = [s for s in seeds_from(self.read_inputs(), self.pages)
                      if s.page is not None and (s.plan or not self.needs_plan)]
        if not self.seeds:
            wanted = "an intent, a plan and a first page" if self.needs_plan else "an intent and a first page"
            raise StageError(f"{self.name}: no usable seeds in {', '.join(map(str, self.inputs))}: seed records need "
                             f"{wanted} (the output of `synth annotate` has them)")
        by_site: dict[str, list[Seed]] = defaultdict(list)
        for item in self.seeds:
            by_site[item.site].append(item)
        self.by_site = dict(sorted(by_site.items()))
        self.sites = list(self.by_site)
        self.planned = 0
        self.unique = UniqueKeeper([(s.id, s.intent) for s in self.seeds], n, near)

    def works(self, round_number: int, kept: list[dict[str, Any]]) -> list[Work]:
        missing = self.n - len(kept)
        if missing <= 0 or round_number > self.max_rounds:
            return []
        # The first round asks for exactly n; top-ups ask for a quarter more than is missing (losses recur).
        factor = 1.0 if round_number == 0 else 1.25
        count = math.ceil(missing * factor / self.per_call)
        units = [self.unit(self.planned + i) for i in range(count)]
        self.planned += count
        return units

    def unit(self, number: int) -> Work:
        site = self.sites[number % len(self.sites)]
        pool = self.by_site[site]
        rng = random.Random(content_hash("seeds", self.settings["seed"], number))
        chosen = rng.sample(pool, min(self.seeds_per_call, len(pool)))
        return Work(key=self.key(number, [s.id for s in chosen]), order=number, payload=chosen,
                    source=chosen[0].id, site=site)

    def finalize(self, results: list[tuple[Work, Result]]) -> Result:
        return self.unique(results)

    def side_outputs(self, records: list[dict[str, Any]], out: Path) -> dict[str, str]:
        return {"pages": str(self.pages.write(out, (r["page_id"] for r in records)))}

    def extra_manifest(self) -> dict[str, Any]:
        return {"seeds": {"count": len(self.seeds), "per_site": {k: len(v) for k, v in self.by_site.items()},
                          "random_seed": self.settings["seed"]},
                "calls_planned": self.planned, "surplus": self.unique.surplus}
