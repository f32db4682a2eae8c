"""`synth cot`: chain-of-thought data — the reasoning that leads to a known plan, and to a known action given
the plan.

Plans: the teacher writes <thinking>...</thinking> then copies the plan in <plan>...</plan>; the copy must parse
to the same steps (the known plan, not the copy, is what training uses). Actions: the teacher sees the plan
step, the actions so far, the page and the true action, and writes <thinking>...</thinking> then the action in
<action>...</action>; that action must parse (with the runtime's text-action parser) to the true action, or
the record is rejected. (The paper's code has this check but never calls it.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nodes.action_text import parse_action_text
from nodes.prompts import render_history
from synth import prompts
from synth import trajectory as traj
from synth.grounding import GroundedPlan
from synth.records import record_id
from synth.replies import check_plan, looks_like_refusal
from synth.runner import Result, Stage, Work
from synth.teacher import Invalid, Teacher, TeacherTask, ask_valid
from tools.vocabulary import ACTIONS_BY_NAME

_THINKING = re.compile(r"<thinking>(.*?)</thinking>", re.DOTALL | re.IGNORECASE)
_ACTION = re.compile(r"<action>(.*?)</action>", re.DOTALL | re.IGNORECASE)
_PLAN = re.compile(r"<plan>(.*?)</plan>", re.DOTALL | re.IGNORECASE)


def _thinking(text: str) -> str:
    found = _THINKING.search(text or "")
    if found is None:
        if looks_like_refusal(text):
            raise Invalid("refused", "the reply is a refusal; write the reasoning and the answer as asked")
        raise Invalid("missing_markers", "write the reasoning between <thinking> and </thinking>")
    reasoning = " ".join(found.group(1).split())
    if not reasoning:
        raise Invalid("empty_reasoning", "the reasoning between <thinking> and </thinking> is empty")
    return reasoning


def _same(value: Any) -> Any:
    """Arguments compared as the executor would use them: ids as numbers, text without outer spaces."""
    if isinstance(value, str):
        stripped = value.strip()
        return int(stripped) if stripped.isdigit() else stripped
    return value


def same_action(name: str, args: dict[str, Any], true_name: str, true_args: dict[str, Any]) -> bool:
    """Equal after filling in the vocabulary's defaults (an omitted `press_enter` is its default)."""
    if name != true_name or name not in ACTIONS_BY_NAME:
        return False
    defaults = {arg.name: arg.default for arg in ACTIONS_BY_NAME[name].args if not arg.required}
    keys = set(args) | set(true_args)
    return all(_same(args.get(k, defaults.get(k))) == _same(true_args.get(k, defaults.get(k))) for k in keys)


def check_action_reasoning(text: str, true_name: str, true_args: dict[str, Any]) -> str:
    reasoning = _thinking(text)
    block = _ACTION.search(text)
    if block is None:
        raise Invalid("missing_markers", "write the action between <action> and </action>")
    parsed = parse_action_text(block.group(1))
    if parsed is None:
        raise Invalid("action_unparsed", "the text between <action> and </action> is not an action")
    if not same_action(parsed["name"], parsed["args"], true_name, true_args):
        raise Invalid("action_mismatch", f"the action written ({parsed['name']} {parsed['args']}) is not the correct "
                                         f"next action ({true_name} {true_args}); copy the correct action exactly")
    return reasoning


def check_plan_reasoning(text: str, plan: GroundedPlan) -> str:
    reasoning = _thinking(text)
    block = _PLAN.search(text)
    if block is None:
        raise Invalid("missing_markers", "copy the plan between <plan> and </plan> after the reasoning")
    copied = [" ".join(s["instruction"].split()).lower() for s in check_plan(block.group(1))["steps"]]
    known = [" ".join(s.instruction.split()).lower() for s in plan.steps]
    if copied != known:
        raise Invalid("plan_changed", "the plan after the reasoning must be the given plan, unchanged")
    return reasoning


class ChainOfThought(Stage):
    name = "cot"
    templates = ("cot_plan", "cot_action")

    def __init__(self, teacher: Teacher | None, inputs: list[Path], trajectories: list[Path], *, rounds: int = 2,
                 actions: bool = True, limit: int | None = None) -> None:
        super().__init__(teacher, [*inputs, *trajectories], limit=limit,
                         settings={"correction_rounds": rounds, "actions": actions})
        self.plan_files, self.trajectory_files = list(inputs), list(trajectories)
        self.rounds, self.actions = rounds, actions

    def works(self, round_number: int, kept: list[dict[str, Any]]) -> list[Work]:
        if round_number:
            return []
        trajectories = {r["id"]: r for r in self.read_inputs(self.trajectory_files) if r.get("kind") == "trajectory"}
        units = []
        for record in self.read_inputs(self.plan_files):
            if record.get("kind") != "grounded_plan":
                continue
            units.append(Work(self.key("plan", record["id"]), len(units), ("plan", record, None), record["id"],
                              record.get("site", "")))
            trajectory = trajectories.get(record.get("trajectory", ""))
            if self.actions and trajectory is not None:
                for index in range(len(traj.history(trajectory))):
                    units.append(Work(self.key("action", record["id"], trajectory["id"], index), len(units),
                                      ("action", record, (trajectory, index)), trajectory["id"],
                                      record.get("site", "")))
        return units

    async def run(self, work: Work) -> Result:
        kind, grounded, where = work.payload
        plan = GroundedPlan.from_json(grounded["plan"])
        assert self.teacher is not None
        if kind == "plan":
            messages = prompts.cot_plan(grounded["intent"], grounded.get("page"), plan.text)
            asked = await ask_valid(self.teacher, messages, lambda text: check_plan_reasoning(text, plan),
                                    TeacherTask("cot_plan", unit=work.key), self.rounds)
            record = {"kind": "cot_plan", "site": grounded.get("site", ""), "grounded_plan": grounded["id"],
                      "trajectory": grounded.get("trajectory", ""), "reasoning": asked.value}
            return Result(records=[{"id": record_id("cot_plan", record), **record}])
        trajectory, index = where
        steps = traj.history(trajectory)
        step = next(s for s in plan.steps if index in s.actions)
        action = steps[index]
        messages = prompts.cot_action(grounded["intent"], step.instruction, render_history(steps[:index]),
                                      traj.page_before(trajectory, index), action["action"], action["args"])
        asked = await ask_valid(self.teacher, messages,
                                lambda text: check_action_reasoning(text, action["action"], action["args"]),
                                TeacherTask("cot_action", unit=work.key), self.rounds)
        record = {"kind": "cot_action", "site": grounded.get("site", ""), "grounded_plan": grounded["id"],
                  "trajectory": trajectory["id"], "index": index, "reasoning": asked.value}
        return Result(records=[{"id": record_id("cot_action", record), **record}])
