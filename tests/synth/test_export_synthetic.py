"""`synth export` of synthetic plans (expand, augment) and of chain-of-thought reasoning, with no browser.

The inputs are the pipeline's own: trajectories as `synth collect` writes them, grounded plans and replans from
the offline reference teacher, and synthetic plans and reasoning from the loopback teacher. The rows must be the
runtime's prompt builder's messages, each seed group must stay on one side of the train/validation split, and
`stats.md` must count what was written and what was dropped.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph.context import Context
from graph.recorder import openai_messages
from nodes.prompts import build_messages
from synth.jsonl import canonical, read_jsonl, write_jsonl
from synth.records import first_page
from synth.runner import RunOptions, run_stage
from synth.stages.annotate import Annotate
from synth.stages.augment import Augment
from synth.stages.cot import ChainOfThought
from synth.stages.expand import Expand
from synth.stages.export import ExportInputs, export
from synth.stages.replans import Replans
from synth.teacher import ReferenceTeacher
from tests.support.teacher_script import TeacherScript, serve_teacher
from tests.synth.helpers import first_user, fresh_intent, good_pairs, plan_text, teacher, trajectory
from tools import tokens

INTENTS = ("What does the canvas tote cost?", "How much is the canvas tote?", "Tell me the canvas tote's price",
           "Find the price of the canvas tote")
REFERENCE_PLAN = plan_text("Search for 'tote'", "Open the tote bag", "Stop with the price")


def task_of(messages) -> str:
    return first_user(messages).split("## Task\n")[1].split("\n")[0]


def cot_reply(messages) -> str:
    """Reasoning that names its task and action (so a test sees whose it is), and the plan or action copied back."""
    text = first_user(messages)
    if "## Correct next action\n" in text:
        action = text.split("## Correct next action\n")[1]
        return f"<thinking>For {task_of(messages)}: the page allows {action}.</thinking><action>{action}</action>"
    return f"<thinking>For {task_of(messages)}: search, open, read.</thinking>\n<plan>\n{REFERENCE_PLAN}\n</plan>"


def augmented(messages) -> str:
    return json.dumps({"intent": fresh_intent(), "plan": plan_text("Type 'linen tote' into the 'Search' box",
                                                                   "Stop with the price")})


@pytest.fixture(scope="module")
async def made(tmp_path_factory) -> Path:
    """Every input `synth export` reads, made by the stages that write them."""
    base = tmp_path_factory.mktemp("pipeline")
    write_jsonl(base / "traj.jsonl", [trajectory(str(n), intent=intent) for n, intent in enumerate(INTENTS)])

    async def run(stage, name: str) -> None:
        summary = await run_stage(stage, RunOptions(out=base / name, workers=2, progress=False))
        assert summary.complete and summary.kept, name

    await run(Annotate(ReferenceTeacher(), [base / "traj.jsonl"]), "plans.jsonl")
    await run(Replans(ReferenceTeacher(), [base / "traj.jsonl"], [base / "plans.jsonl"]), "replans.jsonl")
    (base / "classes.yaml").write_text(yaml.safe_dump({"shopping": [{"name": "search_term_too_specific",
                                                                     "description": "searches a long phrase"}]}))
    script = (TeacherScript().when("task-and-plan pairs", good_pairs)
              .when("Which kind of mistake", '{"class": "search_term_too_specific"}')
              .when("Write ONE new task", augmented)
              .when("correct plan for it", cot_reply).when("correct next action", cot_reply))
    with serve_teacher(script) as (url, _log):
        await run(Expand(teacher(url, base), [base / "plans.jsonl"], n=8), "expanded.jsonl")
        await run(Augment(teacher(url, base), [base / "plans.jsonl"], classes=base / "classes.yaml", n=10),
                  "augmented.jsonl")
        await run(ChainOfThought(teacher(url, base), [base / "plans.jsonl"], [base / "traj.jsonl"]), "cot.jsonl")
    return base


def inputs(base: Path, *, cot: bool) -> ExportInputs:
    return ExportInputs([base / "traj.jsonl"], [base / "plans.jsonl"], [base / "replans.jsonl"],
                        [base / "expanded.jsonl", base / "augmented.jsonl"], [base / "cot.jsonl"] if cot else [])


def rows(out: Path, role: str, fmt: str = "trl") -> dict[str, list[dict[str, Any]]]:
    return {split: [json.loads(line) for line in (out / f"{role}.{fmt}.{split}.jsonl").read_text().splitlines()]
            for split in ("train", "validation")}


def assert_no_group_on_both_sides(out: Path) -> set[str]:
    sides: dict[str, set[str]] = defaultdict(set)
    for role in ("planner", "executor", "replanner"):
        for split, found in rows(out, role).items():
            for row in found:
                sides[row["group"]].add(split)
    assert {group: splits for group, splits in sides.items() if len(splits) > 1} == {}
    assert {next(iter(s)) for s in sides.values()} == {"train", "validation"}  # both sides are used
    return set(sides)


def records(base: Path, name: str) -> list[dict[str, Any]]:
    return list(read_jsonl(base / name))


async def test_synthetic_plans_are_planner_rows_on_their_seeds_page_in_their_seeds_group(made: Path,
                                                                                         tmp_path: Path) -> None:
    summary = export(inputs(made, cot=False), tmp_path / "sft", validation=0.5, progress=False)
    trajectory_of = {plan["id"]: plan["trajectory"] for plan in records(made, "plans.jsonl")}
    pages = {r["id"]: r["page"] for name in ("expanded.pages.jsonl", "augmented.pages.jsonl")
             for r in records(made, name)}
    synthetic = records(made, "expanded.jsonl") + records(made, "augmented.jsonl")
    assert len(synthetic) == 8 + len(INTENTS) and {r["origin"] for r in synthetic} == {"expand", "augment"}
    planner = rows(tmp_path / "sft", "planner")
    by_prompt = {canonical(row["prompt"]): (split, row) for split, found in planner.items() for row in found}
    for record in synthetic:  # the runtime's planner prompt on the seed's real first page, the plan as the answer
        expected = openai_messages(build_messages("planner", {"intent": record["intent"],  # type: ignore[typeddict-item]
                                                              "observation": pages[record["page_id"]]},
                                                  Context().replace(cot=False)))
        _split, row = by_prompt.pop(canonical(expected))
        assert row["completion"] == [{"role": "assistant", "content": record["plan_text"]}]
        assert row["group"] == trajectory_of[record["seed"]]  # the seed group: the trajectory it derives from
    assert len(by_prompt) == len(INTENTS)  # the rest are the annotated plans, one per trajectory
    groups = assert_no_group_on_both_sides(tmp_path / "sft")
    assert groups == {f"traj-{n}" for n in range(len(INTENTS))}
    stats = summary.manifest["stats"]
    assert stats["stage"] == {"annotate/planner": 4, "augment/planner": 4, "collect/executor": 16,
                              "expand/planner": 8, "replans/replanner": len(records(made, "replans.jsonl"))}
    assert stats["drops"] == {}


async def test_a_cot_export_answers_with_the_reasoning_and_drops_what_has_none(made: Path, tmp_path: Path) -> None:
    summary = export(inputs(made, cot=True), tmp_path / "sft", validation=0.5, cot=True, progress=False)
    reasoning = {(r["kind"], r["trajectory"], r.get("index", 0)): r["reasoning"] for r in records(made, "cot.jsonl")}
    trajectories = {t["id"]: t for t in records(made, "traj.jsonl")}
    plans = {plan["trajectory"]: plan["plan_text"] for plan in records(made, "plans.jsonl")}
    planner = [row for found in rows(tmp_path / "sft", "planner").values() for row in found]
    assert len(planner) == len(INTENTS)  # no synthetic plan: none has reasoning
    for row in planner:
        trajectory = trajectories[row["group"]]
        seen = {"intent": trajectory["state"]["intent"], "secret_names": [], "observation": first_page(trajectory)}
        assert row["prompt"] == openai_messages(build_messages("planner", seen,  # type: ignore[arg-type]
                                                               Context().replace(cot=True)))
        thought = reasoning[("cot_plan", row["group"], 0)]
        assert trajectory["state"]["intent"] in thought
        assert row["completion"][0]["content"] == f"<thinking>\n{thought}\n</thinking>\n\n{plans[row['group']]}"
    executor_system = openai_messages(build_messages("executor", {"intent": ""},  # type: ignore[typeddict-item]
                                                     Context().replace(cot=True)))[0]
    executor = [row for found in rows(tmp_path / "sft", "executor").values() for row in found]
    assert len(executor) == 4 * len(INTENTS)
    answers: Counter[str] = Counter()
    for row in executor:
        assert row["prompt"][0] == executor_system
        answers[row["group"]] += 1
        [call] = row["completion"][0]["tool_calls"]
        index = next(i for i, step in enumerate(trajectories[row["group"]]["state"]["history"])
                     if row["completion"][0]["content"] == reasoning[("cot_action", row["group"], i)])
        step = trajectories[row["group"]]["state"]["history"][index]
        assert (call["function"]["name"], call["function"]["arguments"]) == (step["action"], step["args"])
    assert answers == {t: 4 for t in trajectories}
    assert_no_group_on_both_sides(tmp_path / "sft")
    stats = summary.manifest["stats"]
    assert stats["stage"]["cot/planner"] == len(INTENTS) and stats["stage"]["cot/executor"] == 4 * len(INTENTS)
    assert stats["drops"] == {"synthetic plan: no reasoning for the CoT export": 8 + len(INTENTS)}


async def test_the_stats_report_counts_stages_sites_drops_and_real_tokens(made: Path, tmp_path: Path) -> None:
    unsuccessful = {**trajectory("failed", score=0.0), "id": "traj-failed"}
    write_jsonl(tmp_path / "more.jsonl", [*records(made, "traj.jsonl"), unsuccessful])
    chosen = inputs(made, cot=False)
    chosen.trajectories = [tmp_path / "more.jsonl"]
    summary = export(chosen, tmp_path / "sft", validation=0.5, progress=False)
    report = summary.stats_path.read_text()
    for line in ("| annotate/planner | 4 |", "| expand/planner | 8 |", "| augment/planner | 4 |",
                 "| collect/executor | 16 |", "| shopping/planner | 16 |", "| shopping/executor | 16 |",
                 "| trajectory not successful | 1 |"):
        assert line in report, line
    # Token totals are o200k counts of exactly the rows written: prompts with their tool schemas, and answers.
    written: Counter[str] = Counter()
    for role in ("planner", "executor", "replanner"):
        for found in rows(tmp_path / "sft", role, "openai").values():
            for row in found:
                *prompt, answer = row["messages"]
                written[f"{role}/prompt"] += tokens.count(tokens.prompt_text(prompt, row.get("tools", [])))
                call = answer.get("tool_calls")
                text = answer["content"] or ""
                if call:
                    text += json.dumps({"name": call[0]["function"]["name"],
                                        "arguments": json.loads(call[0]["function"]["arguments"])},
                                       ensure_ascii=False)
                written[f"{role}/completion"] += tokens.count(text)
    stats = summary.manifest["stats"]
    assert {k: v for k, v in stats["tokens"].items() if k != "total"} == dict(written)
    assert stats["tokens"]["total"] == sum(written.values())
    assert written["executor/prompt"] > 16 * 1000  # every executor row carries the tool schemas
    for key, value in stats["tokens"].items():
        assert f"| {key} | {value} |" in report
