"""`synth annotate`: successful trajectories -> grounded plans (every step names the actions it covers).

The teacher sees the task, the first page and every action with the element it touched and the pages before
and after, and writes the plan in the runtime's format plus an `Actions:` line per step. `synth.grounding`
checks the paper's constraints; a violation goes back to the teacher with the reason, at most `--rounds`
times, and then the trajectory is rejected with that reason. The `reference` teacher derives the plan from the
task's reference solution instead (whose steps already group its actions), offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synth import prompts
from synth import trajectory as traj
from synth.grounding import GroundedPlan, GroundedStep, GroundingError, parse_grounded, render_grounded
from synth.records import first_page, record_id
from synth.runner import Reject, Result, Stage, Work
from synth.teacher import Teacher, TeacherTask, ask_valid, reference_answer
from webenv.tasks.solution import ReferenceSolution


def reference_grounding(trajectory: dict[str, Any]) -> ReferenceSolution:
    """The trajectory's reference solution, when the trajectory carried it out action for action."""
    solution = traj.reference_solution(trajectory)
    if solution is None:
        raise GroundingError("no_reference", "the task has no reference solution to derive a plan from")
    taken = [step["action"] for step in traj.history(trajectory)]
    expected = [action.action for action in solution.actions]
    if taken != expected:
        raise GroundingError("not_reference", f"the trajectory's {len(taken)} actions ({', '.join(taken[:12])}) are "
                                              f"not the reference solution's {len(expected)}: the reference teacher "
                                              "can only ground trajectories of the reference policy")
    return solution


def solution_plan(solution: ReferenceSolution, done: int) -> GroundedPlan:
    """The reference solution's steps still to do once `done` actions are done, with the notes known by then
    (exactly what the reference policy writes as its plan at that point)."""
    steps = []
    for step in solution.steps:
        rest = tuple(i for i in step.actions if i >= done)
        if rest:
            steps.append(GroundedStep(step.reasoning, step.instruction, rest))
    return GroundedPlan(steps=tuple(steps), notes=tuple(solution.notes_until(done)))


@reference_answer("annotate")
def _reference_annotation(data: dict[str, Any]) -> str:
    return render_grounded(solution_plan(reference_grounding(data["trajectory"]), 0))


class Annotate(Stage):
    name = "annotate"
    templates = ("annotate", "plan_rules")
    key_fields = ("min_score",)

    def __init__(self, teacher: Teacher | None, inputs: list[Path], *, min_score: float = 1.0, rounds: int = 2,
                 limit: int | None = None) -> None:
        super().__init__(teacher, inputs, limit=limit, settings={"min_score": min_score, "correction_rounds": rounds})
        self.min_score, self.rounds = min_score, rounds

    def works(self, round_number: int, kept: list[dict[str, Any]]) -> list[Work]:
        if round_number:
            return []
        return [Work(self.key(record["id"]), order, record, record["id"], traj.site(record))
                for order, record in enumerate(self.read_inputs()) if record.get("kind") == "trajectory"]

    async def run(self, work: Work) -> Result:
        trajectory = work.payload
        steps = traj.history(trajectory)
        if not traj.succeeded(trajectory, self.min_score):
            outcome = trajectory.get("outcome") or {}
            return Result(rejects=[Reject("unsuccessful", f"score {outcome.get('score')} < {self.min_score} "
                                                          f"({outcome.get('source', 'no verdict')})", work.source)])
        if not steps:
            return Result(rejects=[Reject("no_actions", "the episode took no action", work.source)])
        messages = prompts.annotate(traj.intent(trajectory), prompts.page(first_page(trajectory)),
                                    traj.describe_actions(trajectory, 0, len(steps)), 0, len(steps) - 1)
        assert self.teacher is not None
        asked = await ask_valid(self.teacher, messages, lambda text: parse_grounded(text, 0, len(steps)),
                                TeacherTask("annotate", {"trajectory": trajectory}, unit=work.key), self.rounds)
        return Result(records=[grounded_record(trajectory, asked.value, asked.rounds, self.teacher.id)])


def grounded_record(trajectory: dict[str, Any], plan: GroundedPlan, rounds: int, teacher: str) -> dict[str, Any]:
    task = trajectory.get("task") or {}
    record = {"kind": "grounded_plan", "site": traj.site(trajectory), "sites": list(task.get("sites") or []),
              "split": trajectory.get("split", ""), "trajectory": trajectory["id"], "task_id": task.get("task_id"),
              "intent": traj.intent(trajectory), "start_url": task.get("start_url", ""),
              "actions": len(traj.history(trajectory)), "plan": plan.to_json(), "plan_text": plan.text,
              "page": first_page(trajectory), "teacher": teacher, "correction_rounds": rounds}
    return {"id": record_id("grounded_plan", record), **record}
