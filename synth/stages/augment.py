"""`synth augment`: targeted augmentation — training plans that go through the situations the agent fails in.

A classifier call labels each training plan (annotated or synthetic) with one of its site's failure classes
(from the YAML a person edited) or "Other". Every plan with a class seeds exactly one new, similar plan on the
same first page, written to exercise that class. A new plan must parse cleanly, its intent must not leak, and
when the seed plan names elements of the page (links, buttons, fields) the new one must name at least one of
them exactly as the page shows it. Results are deduplicated against the training plans and each other, and
capped at `--n`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from synth import prompts
from synth.records import PageStore, page_id, record_id
from synth.replies import check_intent, check_plan, parse_json
from synth.runner import Result, Stage, StageError, Work
from synth.stages.failures import load_classes
from synth.stages.generated import UniqueKeeper
from synth.teacher import Invalid, Teacher, TeacherTask, ask_valid

_ELEMENT = re.compile(r"^\s*\[\d+\]\s+[\w-]+\s+\"([^\"]{2,80})\"", re.MULTILINE)
OTHER = "Other"


def element_names(page: dict[str, Any] | None) -> set[str]:
    """Names of the page's elements as the observation prints them (`[12] link "Orders"` -> Orders)."""
    return {name.strip() for name in _ELEMENT.findall((page or {}).get("text", "")) if name.strip()}


def check_class(text: str, names: list[str]) -> str:
    value = parse_json(text, dict).get("class")
    if not isinstance(value, str):
        raise Invalid("bad_json", 'answer with {"class": "<name>"}')
    for name in [*names, OTHER]:
        if value.strip().lower() == name.lower():
            return name
    raise Invalid("bad_class", f"{value!r} is not one of the classes ({', '.join(names)}) or Other")


def check_augmented(text: str, seed_plan: str, page: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    item = parse_json(text, dict)
    intent = check_intent(item.get("intent"))
    plan = check_plan(item.get("plan"))
    names = element_names(page)
    used = {name for name in names if name in seed_plan}
    if used and not any(name in plan["raw"] for name in names):
        raise Invalid("lost_element_names", "the new plan must refer to the page's elements by their exact names, "
                                            "e.g. " + ", ".join(repr(n) for n in sorted(used)[:5]))
    return intent, plan


class Augment(Stage):
    name = "augment"
    templates = ("classify", "augment", "plan_rules")
    key_fields = ("classes_hash",)

    def __init__(self, teacher: Teacher | None, inputs: list[Path], *, classes: Path, n: int = 5000,
                 near: float = 0.95, rounds: int = 2, limit: int | None = None) -> None:
        self.classes = load_classes(classes)
        super().__init__(teacher, inputs, limit=limit,
                         settings={"classes": str(classes), "classes_hash": record_id("classes", self.classes),
                                   "n": n, "near": near, "correction_rounds": rounds})
        self.n, self.near, self.rounds = n, near, rounds
        self.pages = PageStore()
        self.pages.load_beside(self.inputs)
        self.plans = [r for r in self.read_inputs() if r.get("plan_text") and r.get("intent")]
        if not self.plans:
            raise StageError("augment: no training plans (records with intent and plan_text) in "
                             + ", ".join(map(str, self.inputs)))
        self.labels: dict[str, int] = {}
        self.surplus = 0

    def works(self, round_number: int, kept: list[dict[str, Any]]) -> list[Work]:
        if round_number:
            return []
        return [Work(self.key(plan["id"]), order, plan, plan["id"], str(plan.get("site", "")))
                for order, plan in enumerate(self.plans)]

    async def run(self, work: Work) -> Result:
        plan = work.payload
        classes = self.classes.get(str(plan.get("site", "")), [])
        if not classes:
            return Result(records=[self._label(plan, OTHER, "no classes for this site")])
        assert self.teacher is not None
        names = [c["name"] for c in classes]
        question = prompts.classify(plan["site"], classes, plan["intent"], plan["plan_text"])
        label = await ask_valid(self.teacher, question, lambda text: check_class(text, names),
                                TeacherTask("classify", unit=work.key), self.rounds)
        if label.value == OTHER:
            return Result(records=[self._label(plan, OTHER, "")])
        chosen = next(c for c in classes if c["name"] == label.value)
        page = self.pages.page_of(plan)
        page_key = self.pages.add(page)
        request = prompts.augment(plan["site"], chosen, plan["intent"], plan["plan_text"], page)
        asked = await ask_valid(self.teacher, request, lambda text: check_augmented(text, plan["plan_text"], page),
                                TeacherTask("augment", unit=work.key), self.rounds)
        intent, new_plan = asked.value
        record = {"kind": "synthetic_plan", "origin": "augment", "site": plan["site"], "sites": plan.get("sites", []),
                  "intent": intent, "plan_text": new_plan["raw"], "page_id": page_key or page_id(page),
                  "start_url": plan.get("start_url", ""), "seed": plan["id"], "failure_class": label.value}
        new = {"id": record_id("synthetic_plan", record), **record}
        return Result(records=[self._label(plan, label.value, ""), new])

    @staticmethod
    def _label(plan: dict[str, Any], label: str, note: str) -> dict[str, Any]:
        return {"kind": "label", "seed": plan["id"], "site": plan.get("site", ""), "failure_class": label, "note": note}

    def finalize(self, results: list[tuple[Work, Result]]) -> Result:
        labels: dict[str, int] = {}
        plans_only: list[tuple[Work, Result]] = []
        for work, result in results:
            for record in result.records:
                if record["kind"] == "label":
                    labels[record["failure_class"]] = labels.get(record["failure_class"], 0) + 1
            plans_only.append((work, Result([r for r in result.records if r["kind"] != "label"], result.rejects)))
        self.labels = dict(sorted(labels.items()))
        keeper = UniqueKeeper([(p["id"], p["intent"]) for p in self.plans], self.n, self.near)
        merged = keeper(plans_only)
        self.surplus = keeper.surplus
        return merged

    def side_outputs(self, records: list[dict[str, Any]], out: Path) -> dict[str, str]:
        return {"pages": str(self.pages.write(out, (r["page_id"] for r in records)))}

    def extra_manifest(self) -> dict[str, Any]:
        return {"labels": self.labels, "surplus": self.surplus, "training_plans": len(self.plans)}
