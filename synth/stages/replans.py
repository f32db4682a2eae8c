"""`synth replans`: replanner examples — for each action t of a trajectory, the plan that the remaining
actions t+1..T-1 carry out, written from (goal, previous plan, actions so far, page after t).

The previous plan at t is the replan written at t-1 (the grounded plan from `annotate` at t = 0), as in the
paper, so one trajectory is one unit of work processed in order. Each replan is grounded in the future actions
and checked like an annotation. When the replan at t is rejected, the plan carried forward to t+1 is the last
good plan with the done actions dropped, and the record says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nodes.plan_text import render_plan
from nodes.prompts import render_history
from synth import prompts
from synth import trajectory as traj
from synth.grounding import GroundedPlan, parse_grounded, remaining, render_grounded
from synth.records import record_id
from synth.runner import Reject, Result, Stage, StageError, Work
from synth.stages.annotate import reference_grounding, solution_plan
from synth.teacher import Invalid, Teacher, TeacherTask, ask_valid, reference_answer


@reference_answer("replan")
def _reference_replan(data: dict[str, Any]) -> str:
    return render_grounded(solution_plan(reference_grounding(data["trajectory"]), data["t"] + 1))


class Replans(Stage):
    name = "replans"
    templates = ("replan", "plan_rules")

    def __init__(self, teacher: Teacher | None, inputs: list[Path], plans: list[Path], *, rounds: int = 2,
                 limit: int | None = None) -> None:
        super().__init__(teacher, [*inputs, *plans], limit=limit, settings={"correction_rounds": rounds})
        self.trajectory_files, self.plan_files, self.rounds = list(inputs), list(plans), rounds

    def works(self, round_number: int, kept: list[dict[str, Any]]) -> list[Work]:
        if round_number:
            return []
        grounded = {r["trajectory"]: r for r in self.read_inputs(self.plan_files) if r.get("kind") == "grounded_plan"}
        if not grounded:
            raise StageError("replans: no grounded plans in " + ", ".join(map(str, self.plan_files))
                             + " (pass the output of `synth annotate` with --plans)")
        units = []
        for order, record in enumerate(self.read_inputs(self.trajectory_files)):
            plan = grounded.get(record.get("id", ""))
            if record.get("kind") == "trajectory" and plan is not None:
                units.append(Work(self.key(record["id"], plan["id"]), order, (record, plan), record["id"],
                                  traj.site(record)))
        return units

    async def run(self, work: Work) -> Result:
        trajectory, grounded = work.payload
        steps = traj.history(trajectory)
        previous = GroundedPlan.from_json(grounded["plan"])
        result = Result()
        assert self.teacher is not None
        for t in range(len(steps) - 1):  # after the last action (stop) there is nothing left to plan
            messages = prompts.replan(
                traj.intent(trajectory), render_plan([s.as_plan_step() for s in previous.steps], list(previous.notes)),
                render_history(steps[: t + 1]), prompts.page(traj.page_after(trajectory, t)),
                traj.describe_actions(trajectory, t + 1, len(steps)), t + 1, len(steps))
            task = TeacherTask("replan", {"trajectory": trajectory, "t": t}, unit=f"{work.key}:{t}")
            try:
                asked = await ask_valid(self.teacher, messages,
                                        lambda text, t=t: parse_grounded(text, t + 1, len(steps)), task, self.rounds)
            except Invalid as problem:
                result.rejects.append(Reject(problem.code, f"t={t}: {problem}", work.source))
                previous = remaining(previous, t + 1)  # the plan carried forward, minus what is done
                continue
            result.records.append(replan_record(trajectory, grounded, t, previous, asked.value, asked.rounds,
                                                self.teacher.id))
            previous = asked.value
        return result


def replan_record(trajectory: dict[str, Any], grounded: dict[str, Any], t: int, previous: GroundedPlan,
                  plan: GroundedPlan, rounds: int, teacher: str) -> dict[str, Any]:
    record = {"kind": "replan", "site": traj.site(trajectory), "split": trajectory.get("split", ""),
              "trajectory": trajectory["id"], "grounded_plan": grounded["id"], "t": t,
              "previous": previous.to_json(), "plan": plan.to_json(), "plan_text": plan.text, "teacher": teacher,
              "correction_rounds": rounds}
    return {"id": record_id("replan", record), **record}
